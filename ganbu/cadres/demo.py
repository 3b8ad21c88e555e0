"""The demo county's cadres: n people with plausible histories (education, appointments, ranks,
family, annual grades). Leadership seats are filled first. Cadres are bulk-inserted in chunks with
their derived fields computed by the same rule functions the registry services use, so the demo
scales to a million cadres; the state periods are rebuilt per chunk.

Every history obeys the rules the system demonstrates (checked by
`home/tests/test_demo_invariants.py`, which cites the sources):
- nobody has reached the statutory retirement age (`rules.statutory_retirement`): the age is drawn
  again until the retirement month lies after the demo's today;
- study: 高中 and 中专 from 15, 大专 and 大学 from 17 or 18, 研究生 after 大学; work after the last
  full-time study and at 18 or later; in-service study after work start and finished by today;
- appointments: each shorter than `TENURE_LIMIT_YEARS` (the ten-year rule of the 交流 regulation,
  applied to every post); a 乡科级副职 at least `DEPUTY_AFTER_YEARS` after work start, a 正职 at
  least `HEAD_AFTER_DEPUTY_YEARS` after the first 副职;
- party: party posts (a party committee's seats, 书记, 党委/党支部/纪委 委员) only for members admitted
  at 18 or later and a year before the post began; every 正职 is a member; a leader outside the
  CPC is a deputy from a democratic party or 无党派人士; 共青团员 are at most 28, 预备党员 were
  admitted within the last year;
- ranks (职级, since 2019-06-01) only for 公务员 and 参公 staff, no higher than their years of
  service allow (`RANK_STEPS`: entry at 一级科员 with a degree course, else 二级科员, after the
  one-year 试用期; then 3 years to 四级主任科员 and 2 for each step above);
- titles: the unit's name and the post once (no 「县委办公室办公室科员」).
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.db import reset_queries, transaction
from django.db.models import Model

from ganbu.cadres.models import (
    AnnualAssessment,
    Appointment,
    AppointmentMethod,
    Cadre,
    Education,
    EducationKind,
    FamilyMember,
    RankRecord,
)
from ganbu.cadres.rules import (
    AppointmentFacts,
    derive_current,
    make_id_number,
    retirement_group,
    statutory_retirement,
)
from ganbu.cadres.services import state_periods_rebuild
from ganbu.core.dates import add_years, age_on
from ganbu.core.demo import TODAY, DemoContext, NameMaker, surname_of, weighted
from ganbu.core.pinyin import name_keys
from ganbu.org.models import Post, TeamKind, Unit, UnitKind
from ganbu.org.scoping import units_in_subtree
from ganbu.org.selectors import county_root

MINORITIES = [("19", 70), ("06", 10), ("08", 8), ("03", 4), ("15", 3), ("11", 3), ("13", 2)]
UNIVERSITIES = [
    ("海南大学", ["法学", "行政管理", "经济学", "农学", "汉语言文学", "计算机科学与技术"]),
    ("海南师范大学", ["汉语言文学", "思想政治教育", "历史学", "数学与应用数学"]),
    ("华南农业大学", ["农学", "园艺", "农林经济管理", "动物科学"]),
    ("中山大学", ["法学", "公共管理", "社会学", "经济学"]),
    ("琼州学院", ["会计学", "旅游管理", "汉语言文学"]),
]
COLLEGES = [
    ("海南政法职业学院", ["法律事务", "行政管理"]),
    ("海南经贸职业技术学院", ["会计", "市场营销"]),
    ("海南职业技术学院", ["计算机应用技术", "农业经济管理"]),
]
# the 学士 / 硕士 of a major's discipline (GB/T 6864: 403 法学学士, 303 法学硕士 …)
DISCIPLINE = {
    major: code
    for code, majors in [
        ("02", "经济学"),
        ("03", "法学 社会学 思想政治教育"),
        ("05", "汉语言文学"),
        ("06", "历史学"),
        ("07", "数学与应用数学"),
        ("08", "计算机科学与技术"),
        ("09", "农学 园艺 动物科学"),
        ("12", "行政管理 公共管理 农林经济管理 会计学 旅游管理"),
    ]
    for major in majors.split()
}
PARTY_SCHOOL = ("中共海南省委党校", ["经济管理", "法律", "行政管理"])
# full-time education: (code, entry age, years); 研究生 follows a 大学 record
HIGH_SCHOOL, SECONDARY, COLLEGE, UNIVERSITY, POSTGRADUATE = "61", "41", "31", "21", "11"
STUDY = {
    HIGH_SCHOOL: (15, 3),
    SECONDARY: (15, 3),
    COLLEGE: (18, 3),
    UNIVERSITY: (18, 4),
    POSTGRADUATE: (22, 3),
}

PARTY_MEMBER, PROBATIONARY, YOUTH_LEAGUE, MASSES = "01", "02", "03", "13"
OTHER_PARTIES = [("05", 3), ("06", 2), ("08", 2), ("09", 1), ("10", 2), ("04", 1), ("12", 4)]
YOUTH_LEAGUE_MAX_AGE = 28
PARTY_POST_WORDS = ("书记", "党委", "党支部", "党总支", "党组", "纪委", "组织委员", "宣传委员")

TENURE_LIMIT_YEARS = 10  # 《党政领导干部交流工作规定》: 同一职位任职满10年的必须交流
DEPUTY_AFTER_YEARS = 4  # a year of 试用期 and three as 科员 before a 乡科级副职
HEAD_AFTER_DEPUTY_YEARS = 2  # two years as 副职 before a 正职
RANK_REFORM = date(2019, 6, 1)
RANKED_CATEGORIES = ("1", "5")
# 职级 from the lowest, with the years at the rank below needed to reach it (职务与职级并行规定 第十三条)
RANK_STEPS = [("1C", 0), ("1B", 2), ("1A", 3), ("19", 2), ("18", 2), ("17", 2)]
RANK_CAP = {"1A41": "17", "1A42": "18", "": "18"}
MASS_ORGANISATIONS = ("县总工会", "团县委", "县妇联")  # 参照公务员法管理
SPOUSE_WORK = ["青山县第一小学教师", "青山县人民医院医生", "个体经营", "务农", "青山县农商银行职员"]
GROWN_CHILD_WORK = ["海口市某公司职员", "青山县第二中学教师", "青山县人民医院护士", "待业"]
LAST_START = TODAY - timedelta(days=120)  # every current post began at least four months ago


def _years(n: float) -> timedelta:
    return timedelta(days=round(n * 365.25))


def is_party_post(name: str, team_kind: str | None = None) -> bool:
    return team_kind == TeamKind.PARTY_COMMITTEE or any(word in name for word in PARTY_POST_WORDS)


def compose_title(unit: Unit, post: str) -> str:
    """The unit's name and the post, the unit's name once."""
    return post if post.startswith(unit.name) else unit.name + post


def rank_earliest(rank: str, work_start: date, degree_course: bool) -> date:
    """The first day `rank` may be held after starting work (RANK_STEPS)."""
    codes = [code for code, _ in RANK_STEPS]
    entry = codes.index("1B" if degree_course else "1C")
    years = 1 + sum(step for _, step in RANK_STEPS[entry + 1 : codes.index(rank) + 1])
    return add_years(work_start, years)


# a plan's records: the model and the fields of each tuple, in order
RECORDS: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "educations": (Education, ("kind", "education", "degree", "school", "major", "started_on", "ended_on")),
    "ranks": (RankRecord, ("rank", "started_on")),
    "family": (FamilyMember, ("relation", "name", "birth_date", "political_status", "workplace")),
    "assessments": (AnnualAssessment, ("year", "grade")),
}


class _Retry(Exception):
    """The drawn life cannot hold the seat: draw again (same random stream, so still deterministic)."""


class CadreBuilder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.names = NameMaker(ctx.rng)
        self._id_sequences: dict[tuple[str, date, str], int] = {}
        self._deputy_posts: dict[int, list[Post]] = {}
        self._townships: list[Unit] = []

    def build_cadres(self, county: Unit, n: int, *, chunk: int = 5000) -> None:
        """n cadres: leadership posts first (so teams are staffed), the rest as staff."""
        if n <= 0:
            return
        rng = self.rng
        county_units = units_in_subtree(county).order_by("code")
        townships = list(county_units.filter(parent=county, kind__in=[UnitKind.TOWN, UnitKind.TOWNSHIP]))
        departments = list(county_units.filter(parent=county, kind=UnitKind.DEPARTMENT))
        villages = list(county_units.filter(kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]))
        self._townships = townships
        # the posts of the county's units, by unit code and order (each post's unit is set by the
        # prefetch)
        posts = [
            post
            for unit in county_units.prefetch_related("posts__team")
            for post in sorted(unit.posts.all(), key=lambda p: p.sort_order)
        ]
        for post in posts:
            if post.level == "1A42":
                self._deputy_posts.setdefault(post.unit_id, []).append(post)
        seats: list[Post] = []
        for post in posts:
            seats.extend([post] * post.quota)
        rng.shuffle(seats)
        # staff: about 45% in townships, 45% in departments, 10% village cadres
        staff_units = (
            townships * (len(departments) * 3)
            + departments * (len(townships) * 3)
            + villages * max(1, (len(townships) * len(departments) * 6) // max(1, len(villages) * 9))
        )
        made = 0
        started = time.monotonic()
        while made < n:
            size = min(chunk, n - made)
            plans = []
            for _ in range(size):
                seat = seats.pop() if seats else None
                unit = seat.unit if seat else rng.choice(staff_units)
                plans.append(self._plan_cadre(unit, seat))
            self._insert(plans)
            reset_queries()  # with DEBUG on, Django keeps the SQL of recent queries: bulk inserts are huge
            made += size
            self.ctx.progress(f"已生成干部 {made}/{n}（{time.monotonic() - started:.0f} 秒）")
        self.ctx.stats.cadres += n

    # ---- one life ---------------------------------------------------------------------------------

    def _plan_cadre(self, unit: Unit, seat: Post | None) -> dict:
        while True:
            try:
                return self._try_plan(unit, seat)
            except _Retry:
                continue

    def _category(self, unit: Unit, seat: Post | None) -> str:
        if unit.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY):
            return "4"  # 村（社区）干部
        if unit.name in MASS_ORGANISATIONS:
            return "5"  # 参照管理机关工作人员
        if seat or self.rng.random() < 0.85:
            return "1"  # 公务员
        return "04" if unit.kind != UnitKind.DEPARTMENT else "06"  # 事业编制

    def _birth(self, seat: Post | None, gender: str, category: str) -> date:
        """A birth date whose statutory retirement month lies after the demo's today."""
        rng = self.rng
        while True:
            if seat:
                age = rng.choices(
                    [rng.randint(28, 35), rng.randint(36, 40), rng.randint(41, 50), rng.randint(51, 58)],
                    weights=[27, 14, 37, 22],
                )[0]
            else:
                age = rng.randint(22, 60)
            born = self.ctx.date_between(
                date(TODAY.year - age - 1, TODAY.month, 2), date(TODAY.year - age, TODAY.month, 1)
            )
            retirement = statutory_retirement(born, retirement_group(gender, category))
            if (retirement.year, retirement.month) > (TODAY.year, TODAY.month):
                return born

    def _fulltime(self, born: date, village: bool, seat: Post | None) -> list[tuple]:
        """Full-time study records (kind, code, degree, school, major, start, end), oldest first."""
        rng = self.rng
        if village:
            level = weighted(rng, [(HIGH_SCHOOL, 40), (SECONDARY, 20), (COLLEGE, 30), (UNIVERSITY, 10)])
        elif seat:
            level = weighted(rng, [(COLLEGE, 20), (UNIVERSITY, 70), (POSTGRADUATE, 10)])
        else:
            level = weighted(rng, [(SECONDARY, 4), (COLLEGE, 28), (UNIVERSITY, 60), (POSTGRADUATE, 8)])
        steps = [UNIVERSITY, POSTGRADUATE] if level == POSTGRADUATE else [level]
        records: list[tuple] = []
        entry_age, _ = STUDY[steps[0]]
        entry_age += rng.choice([0, 0, 0, 1]) if level not in (HIGH_SCHOOL, SECONDARY) else 0
        # the first 1 September on which the cadre is `entry_age`
        start = date(born.year + entry_age, 9, 1)
        if age_on(born, start) < entry_age:
            start = date(start.year + 1, 9, 1)
        school, majors = rng.choice(UNIVERSITIES if level in (UNIVERSITY, POSTGRADUATE) else COLLEGES)
        major = rng.choice(majors)
        for code in steps:
            years = STUDY[code][1]
            end = date(start.year + years, 7, 1)
            degree = ""
            if code in (UNIVERSITY, POSTGRADUATE):
                degree = ("4" if code == UNIVERSITY else "3") + DISCIPLINE.get(major, "")
            name, field = school, major
            if code == HIGH_SCHOOL:
                name, field = "青山县第一中学", ""
            elif code == SECONDARY:
                name, field = "青山县中等职业学校", rng.choice(["农村经济管理", "财会"])
            records.append((EducationKind.FULL_TIME, code, degree, name, field, start, end))
            start = date(end.year, 9, 1)
        return records

    def _try_plan(self, unit: Unit, seat: Post | None) -> dict:
        rng = self.rng
        village = unit.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY)
        gender = "2" if rng.random() < (0.25 if seat else 0.38) else "1"
        category = self._category(unit, seat)
        born = self._birth(seat, gender, category)
        name = self.names.name(gender)
        pinyin, initials, stroke = name_keys(name)
        ethnicity = "01" if rng.random() < 0.86 else weighted(rng, MINORITIES)

        educations = self._fulltime(born, village, seat)
        gap = _years(rng.choice([0, 0, 0, 0, 0.5, 1, 2]))
        graduated = educations[-1][6]
        free = graduated + gap  # work starts two weeks to two and a half months later, at 18 at the earliest
        work_start = max(
            self.ctx.date_between(free + timedelta(days=14), free + timedelta(days=75)), add_years(born, 18)
        )
        if work_start > LAST_START:
            raise _Retry

        # the current post and the steps before it
        head = seat is not None and seat.level == "1A41"
        if seat:
            earliest = add_years(work_start, DEPUTY_AFTER_YEARS + (HEAD_AFTER_DEPUTY_YEARS if head else 0))
        else:
            earliest = work_start
        if earliest > LAST_START:
            raise _Retry
        tenure = _years(rng.uniform(0.4, 5.0) if rng.random() < 0.75 else rng.uniform(5.0, 9.6))
        current_start = max(earliest, TODAY - tenure)
        if not seat and (current_start - work_start).days < 180:
            current_start = work_start
        deputy_start = None
        if head:
            low = max(add_years(work_start, DEPUTY_AFTER_YEARS), current_start - _years(9.5))
            deputy_start = self.ctx.date_between(low, add_years(current_start, -HEAD_AFTER_DEPUTY_YEARS))
        staff_end = deputy_start or current_start

        # party membership, before the posts that need it
        seat_party = seat is not None and is_party_post(seat.name, seat.team.kind if seat.team else None)
        political = self._political(seat, born)
        party_joined = None
        if political == PARTY_MEMBER:
            latest = TODAY - timedelta(days=400)
            if seat_party:
                latest = min(latest, add_years(current_start, -1) - timedelta(days=1))
            earliest_join = add_years(born, 18)
            if latest < earliest_join:
                raise _Retry
            party_joined = self.ctx.date_between(earliest_join, min(latest, add_years(work_start, 12)))
        elif political == PROBATIONARY:
            party_joined = self.ctx.date_between(
                max(add_years(born, 18), TODAY - timedelta(days=330)), TODAY - timedelta(days=10)
            )

        def may_hold_party_post(start: date) -> bool:  # a full member: admitted a year before
            return (
                party_joined is not None and political == PARTY_MEMBER and add_years(party_joined, 1) <= start
            )

        appointments: list[Appointment] = []

        def appoint(a_unit: Unit, post: str, level: str, leader: bool, start: date, end: date | None) -> None:
            appointments.append(
                Appointment(
                    unit_id=a_unit.pk,
                    post_id=seat.pk if (seat and end is None) else None,
                    title=compose_title(a_unit, post),
                    level=level,
                    is_leadership=leader,
                    is_primary=True,
                    started_on=start,
                    ended_on=end,
                    method=rng.choice([AppointmentMethod.APPOINTED, AppointmentMethod.ELECTED])
                    if leader
                    else AppointmentMethod.APPOINTED,
                    document_number=f"青组干〔{start.year}〕{rng.randint(1, 120)}号" if leader else "",
                )
            )

        degree_course = educations[0][1] in (UNIVERSITY, POSTGRADUATE)

        def staff_post(a_unit: Unit, start: date, last: bool) -> tuple[str, str]:
            """办事员 (1A60) only in the first post of a cadre without a degree course; an office's
            副主任 or 副股长 only in the last staff post and after five years of work."""
            title = self._staff_title(
                a_unit,
                may_hold_party_post(start),
                category,
                senior=last and start >= add_years(work_start, 5),
                avoid=appointments[-1].title if appointments else "",
            )
            if village:
                return title, "1A99"
            return title, "1A60" if start == work_start and not degree_course else "1A50"

        staff_periods = self.ctx.periods(work_start, staff_end, shorter_than_days=TENURE_LIMIT_YEARS * 365)
        for i, (start, end) in enumerate(staff_periods):
            a_unit = unit if village or rng.random() < 0.5 else rng.choice(self._townships)
            title, level = staff_post(a_unit, start, last=seat is not None and i == len(staff_periods) - 1)
            appoint(a_unit, title, level, False, start, end - timedelta(days=1))
        if deputy_start is not None:
            assert seat is not None
            # a deputy post of the seat's unit or of a township (a party one only for a member)
            d_unit = seat.unit if rng.random() < 0.6 else rng.choice(self._townships)
            choices = self._deputy_choices(d_unit, may_hold_party_post(deputy_start))
            if not choices:
                d_unit = rng.choice(self._townships)
                choices = self._deputy_choices(d_unit, may_hold_party_post(deputy_start))
            deputy = rng.choice(choices)
            appoint(d_unit, deputy.name, "1A42", True, deputy_start, current_start - timedelta(days=1))
        if seat:
            appoint(seat.unit, seat.name, seat.level, True, current_start, None)
        else:
            title, level = staff_post(unit, current_start, last=True)
            appoint(unit, title, level, False, current_start, None)

        # in-service study: after work start, finished by today
        if educations[-1][1] not in (POSTGRADUATE,) and not village and rng.random() < 0.2:
            in_start = date(work_start.year + rng.randint(2, 12), 9, 1)
            in_end = date(in_start.year + 3, 7, 1)
            if in_end < TODAY:
                level = "2B" if educations[-1][1] != UNIVERSITY else "1B"  # 省委党校大学 / 研究生
                school, majors = PARTY_SCHOOL
                educations.append(
                    (EducationKind.IN_SERVICE, level, "", school, rng.choice(majors), in_start, in_end)
                )

        ranks = self._rank(work_start, degree_course, seat) if category in RANKED_CATEGORIES else []
        facts = [
            AppointmentFacts(a.title, a.level, a.is_leadership, True, a.started_on, a.ended_on, a.unit_id)
            for a in appointments
        ]
        derived = derive_current(
            appointments=facts,
            ranks=[(code, since, None) for code, since in ranks],
            educations=[(e[0], e[1], e[2], e[6]) for e in educations],
            on=TODAY,
        )
        cadre = Cadre(
            name=name,
            gender=gender,
            ethnicity=ethnicity,
            birth_date=born,
            native_place=rng.choice(["海南青山", "海南万宁", "海南琼海", "海南文昌", "广东湛江", "湖南衡阳"]),
            birthplace=rng.choice(["海南青山", "海南青山", "海南万宁", "海南三亚"]),
            id_number=self._id_number(born, gender),
            political_status=political,
            party_joined_on=party_joined,
            work_started_on=work_start,
            health=rng.choice(["健康", "健康", "健康", "良好"]),
            personnel_category=category,
            establishment="1" if category in RANKED_CATEGORIES else ("9" if category == "4" else "2"),
            name_pinyin=pinyin,
            name_initials=initials,
            stroke_key=stroke,
            unit_id=derived.unit_id or unit.pk,
            current_title=derived.current_title,
            current_level=derived.current_level,
            current_post_since=derived.current_post_since,
            current_rank=derived.current_rank,
            current_rank_since=derived.current_rank_since,
            is_leader=derived.is_leader,
            fulltime_education=derived.fulltime_education,
            fulltime_degree=derived.fulltime_degree,
            highest_education=derived.highest_education,
            highest_degree=derived.highest_degree,
        )
        assessments = []
        if category != "4":
            for year in range(TODAY.year - 3, TODAY.year):
                if date(year, 12, 31) > work_start:
                    grade = "1" if rng.random() < 0.15 else ("2" if rng.random() < 0.97 else "3")
                    if year == work_start.year and category in RANKED_CATEGORIES:
                        grade = "5A"  # 新录用人员试用期年度考核不确定等次
                    assessments.append((year, grade))
        plan = {"cadre": cadre, "appointments": appointments, "educations": educations, "ranks": ranks}
        return plan | {"family": self._family(name, born, gender), "assessments": assessments}

    def _deputy_choices(self, unit: Unit, party_post: bool) -> list[Post]:
        return [
            p
            for p in self._deputy_posts.get(unit.pk, [])
            if party_post or not is_party_post(p.name, p.team.kind if p.team else None)
        ]

    def _political(self, seat: Post | None, born: date) -> str:
        """Every 正职 and every holder of a party seat is a CPC member; about one deputy in eight is
        from a democratic party or 无党派人士; 共青团员 only up to 28."""
        rng = self.rng
        if seat is not None:
            if seat.level == "1A41" or is_party_post(seat.name, seat.team.kind if seat.team else None):
                return PARTY_MEMBER
            return PARTY_MEMBER if rng.random() < 0.88 else weighted(rng, OTHER_PARTIES)
        r = rng.random()
        if r < 0.72:
            return PARTY_MEMBER
        if r < 0.75:
            return PROBATIONARY
        if r < 0.82 and age_on(born, TODAY) <= YOUTH_LEAGUE_MAX_AGE:
            return YOUTH_LEAGUE
        return MASSES if r < 0.96 else weighted(rng, OTHER_PARTIES)

    def _rank(self, work_start: date, degree_course: bool, seat: Post | None) -> list[tuple[str, date]]:
        """One rank: the highest the years of service allow by a month ago (capped by the post),
        a staff member one or two steps lower at random; held since a date after it became possible."""
        rng = self.rng
        codes = [code for code, _ in RANK_STEPS]
        last = TODAY - timedelta(days=30)
        entry = codes.index("1B" if degree_course else "1C")
        reachable = [c for c in codes[entry:] if rank_earliest(c, work_start, degree_course) <= last]
        if not reachable:
            return []
        cap = codes.index(RANK_CAP[seat.level if seat else ""])
        index = min(codes.index(reachable[-1]), cap)
        if seat is None:
            index = max(codes.index(reachable[0]), index - rng.choice([0, 0, 1, 2]))
        code = codes[index]
        since = self.ctx.date_between(max(rank_earliest(code, work_start, degree_course), RANK_REFORM), last)
        return [(code, since)]

    def _id_number(self, born: date, gender: str) -> str:
        """A unique, valid 身份证号: area code + birth date + a per-(area, date, gender) sequence."""
        area = self.rng.choice(["469099", "469099", "469006", "469005", "460200"])
        key = (area, born, gender)
        n = self._id_sequences.get(key, 0)
        self._id_sequences[key] = n + 1
        return make_id_number(area, born, n, gender)

    def _staff_title(self, unit: Unit, party_post: bool, category: str, *, senior: bool, avoid: str) -> str:
        """A non-leadership post of the unit: a party post only when the cadre may hold one, an
        office's deputy head only when `senior`, never the title `avoid` (the post before: a new
        period is a new post)."""
        rng = self.rng
        if unit.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY):
            body = "居" if unit.kind == UnitKind.COMMUNITY else "村"
            posts = [f"{body}委会委员", f"{body}务监督委员会主任"] + ([f"{body}委会副主任"] if senior else [])
            posts += ["党支部委员"] if party_post else []
        else:
            if unit.kind == UnitKind.DEPARTMENT:
                offices = ["办公室", "综合股", "业务股", "财务股", "法规股"]
            elif category == "04":  # 事业编制: the township's service centre
                offices = ["农业服务中心"]
            else:
                offices = ["党政办", "经济发展办", "社会事务办", "综治办", "财政所", "农业服务中心"]
            posts = []
            for office in offices:
                if unit.name.endswith(office):
                    continue
                deputy = (
                    "副股长" if office.endswith("股") else ("副所长" if office.endswith("所") else "副主任")
                )
                posts += [
                    office + p
                    for p in ["科员", "科员", "科员", "干事"] + ([deputy, deputy] if senior else [])
                ]
        return rng.choice([p for p in posts if compose_title(unit, p) != avoid])

    def _family(self, name: str, born: date, gender: str) -> list[tuple]:
        """Spouse, a child (the father's surname), the father; political status and work fit each
        one's age (共青团员 14–28, 学龄前 under 6, 已故 past 85)."""
        rng = self.rng
        rows = []
        taken = [name]
        age = age_on(born, TODAY)
        if age > 25 and rng.random() < 0.9:
            spouse_gender = "2" if gender == "1" else "1"
            spouse = self.names.relative(self.names.surname(), spouse_gender, taken)
            spouse_born = self.ctx.date_between(date(born.year - 3, 1, 1), date(born.year + 3, 12, 28))
            spouse_born = min(spouse_born, add_years(TODAY, -22))
            work = rng.choice(SPOUSE_WORK)
            if age_on(spouse_born, TODAY) >= 60 and work not in ("个体经营", "务农"):
                work = "退休"
            political = rng.choice([PARTY_MEMBER, MASSES, MASSES])
            rows.append(("12" if gender == "1" else "11", spouse, spouse_born, political, work))
            child_born = date(born.year + rng.randint(24, 34), rng.randint(1, 12), rng.randint(1, 28))
            if age > 28 and child_born < TODAY:
                child_gender = rng.choice(["1", "2"])
                child_age = age_on(child_born, TODAY)
                if child_age < 14:
                    political = MASSES
                elif child_age <= YOUTH_LEAGUE_MAX_AGE:
                    political = rng.choice([YOUTH_LEAGUE, YOUTH_LEAGUE, MASSES])
                else:
                    political = rng.choice([PARTY_MEMBER, MASSES, MASSES])
                if child_age < 6:
                    work = "学龄前儿童"
                elif child_age < 23:
                    work = "学生"
                else:
                    work = rng.choice(GROWN_CHILD_WORK)
                surname = surname_of(name if gender == "1" else spouse)
                child = self.names.relative(surname, child_gender, taken)
                rows.append(("20" if child_gender == "1" else "30", child, child_born, political, work))
        father_born = date(born.year - rng.randint(22, 35), rng.randint(1, 12), rng.randint(1, 28))
        father_work = "已故" if age_on(father_born, TODAY) > 85 else rng.choice(["务农", "务农", "退休"])
        father = self.names.relative(surname_of(name), "1", taken)
        rows.append(("51", father, father_born, rng.choice([PARTY_MEMBER, MASSES]), father_work))
        return rows

    def _insert(self, plans: list[dict]) -> None:
        with transaction.atomic():
            cadres = Cadre.objects.bulk_create([p["cadre"] for p in plans], batch_size=1000)
            appointments: list[Appointment] = []
            rows: dict[str, list[Model]] = {key: [] for key in RECORDS}
            for cadre, plan in zip(cadres, plans, strict=True):
                for appointment in plan["appointments"]:
                    appointment.cadre_id = cadre.pk
                appointments += plan["appointments"]
                for key, (model, fields) in RECORDS.items():
                    rows[key] += [
                        model(cadre_id=cadre.pk, **dict(zip(fields, v, strict=True))) for v in plan[key]
                    ]
            Appointment.objects.bulk_create(appointments, batch_size=2000)
            for key, (model, _) in RECORDS.items():
                model._default_manager.bulk_create(rows[key], batch_size=2000)
            state_periods_rebuild(cadre_ids=[c.pk for c in cadres])
            self.ctx.stats.rows += len(cadres) + len(appointments) + sum(len(v) for v in rows.values())


def seed_cadres(ctx: DemoContext) -> None:
    """`ctx.cadres` cadres in the demo county built by `org.demo` (none when 0)."""
    county = county_root()
    if county is not None:
        CadreBuilder(ctx).build_cadres(county, ctx.cadres)
