"""The demo county's cadres: n people with plausible histories (education, appointments, ranks,
family, annual grades). Leadership seats are filled first. Cadres are bulk-inserted in chunks with
their derived fields computed by the same rule functions the registry services use, so the demo
scales to a million cadres; the state periods are rebuilt per chunk."""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.db import reset_queries, transaction

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
from ganbu.cadres.rules import AppointmentFacts, derive_current, make_id_number
from ganbu.cadres.services import state_periods_rebuild
from ganbu.core.demo import TODAY, DemoContext, NameMaker, weighted
from ganbu.core.pinyin import name_keys
from ganbu.org.models import Post, Unit, UnitKind
from ganbu.org.scoping import units_in_subtree
from ganbu.org.selectors import county_root

MINORITIES = [("19", 70), ("06", 10), ("08", 8), ("01", 0), ("03", 4), ("15", 3), ("11", 3), ("13", 2)]
UNIVERSITIES = [
    ("海南大学", ["法学", "行政管理", "经济学", "农学", "汉语言文学", "计算机科学与技术"]),
    ("海南师范大学", ["汉语言文学", "思想政治教育", "历史学", "数学与应用数学"]),
    ("华南农业大学", ["农学", "园艺", "农林经济管理", "动物科学"]),
    ("中山大学", ["法学", "公共管理", "社会学", "经济学"]),
    ("琼州学院", ["会计学", "旅游管理", "汉语言文学"]),
    ("海南政法职业学院", ["法律事务", "行政管理"]),
    ("海南经贸职业技术学院", ["会计", "市场营销"]),
]
PARTY_SCHOOL = ("中共海南省委党校", ["经济管理", "法律", "行政管理"])


class CadreBuilder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.names = NameMaker(ctx.rng)

    def _name(self, gender: str) -> str:
        return self.names.name(gender)

    def _date_between(self, start: date, end: date) -> date:
        return self.ctx.date_between(start, end)

    def build_cadres(self, county: Unit, n: int, *, chunk: int = 5000) -> None:
        """n cadres: leadership posts first (so teams are staffed), the rest as staff."""
        if n <= 0:
            return
        rng = self.rng
        self.county = county
        county_units = units_in_subtree(county).order_by("code")
        townships = list(county_units.filter(parent=county, kind__in=[UnitKind.TOWN, UnitKind.TOWNSHIP]))
        departments = list(county_units.filter(parent=county, kind=UnitKind.DEPARTMENT))
        villages = list(county_units.filter(kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]))
        # the posts of the county's units, by unit code and order (each post's unit is set by the
        # prefetch)
        posts = [
            post
            for unit in county_units.prefetch_related("posts")
            for post in sorted(unit.posts.all(), key=lambda p: p.sort_order)
        ]
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
        seq_counter = 0
        started = time.monotonic()
        while made < n:
            size = min(chunk, n - made)
            plans = []
            for _ in range(size):
                seat = seats.pop() if seats else None
                unit = seat.unit if seat else rng.choice(staff_units)
                seq_counter += 1
                plans.append(self._plan_cadre(unit, seat, seq_counter))
            self._insert(plans)
            reset_queries()  # with DEBUG on, Django keeps the SQL of recent queries: bulk inserts are huge
            made += size
            self.ctx.progress(f"已生成干部 {made}/{n}（{time.monotonic() - started:.0f} 秒）")
        self.ctx.stats.cadres += n

    def _plan_cadre(self, unit: Unit, seat: Post | None, seq: int) -> dict:
        rng = self.rng
        is_village_unit = unit.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY)
        gender = "2" if rng.random() < (0.25 if seat else 0.38) else "1"
        if seat:
            age = rng.choices(
                [rng.randint(28, 35), rng.randint(36, 40), rng.randint(41, 50), rng.randint(51, 57)],
                weights=[27, 14, 37, 22],
            )[0]
        else:
            age = rng.randint(22, 59)
        born = self._date_between(
            date(TODAY.year - age - 1, TODAY.month, 2), date(TODAY.year - age, TODAY.month, 1)
        )
        name = self._name(gender)
        pinyin, initials, stroke = name_keys(name)
        ethnicity = "01" if rng.random() < 0.86 else weighted(rng, MINORITIES[:1] + MINORITIES[1:])
        r = rng.random()
        political = (
            "01"
            if r < (0.92 if seat else 0.72)
            else (
                "02"
                if r < 0.94
                else ("03" if r < 0.96 else rng.choice(["04", "05", "06", "08", "10", "12", "13", "13"]))
            )
        )
        work_age = rng.randint(18, min(24, age - 1))
        work_start = self._date_between(date(born.year + work_age, 7, 1), date(born.year + work_age, 9, 1))
        work_start = min(work_start, TODAY - timedelta(days=90))
        party_joined = None
        if political in ("01", "02"):
            earliest = date(born.year + 18, born.month, min(born.day, 28))
            party_joined = self._date_between(earliest, min(TODAY, date(earliest.year + 15, 12, 31)))
            if political == "02":
                party_joined = self._date_between(date(TODAY.year - 1, 1, 1), TODAY)
        category = (
            "4" if is_village_unit else ("1" if rng.random() < 0.7 or seat else rng.choice(["02", "04"]))
        )

        # education: one full-time record, sometimes an in-service upgrade
        edu_r = rng.random()
        if work_age >= 24 and edu_r < 0.25:
            ft_edu, ft_deg, years = "11", "3", 7
        elif work_age >= 21 or edu_r < 0.5:
            ft_edu, ft_deg, years = ("21", "4", 4) if rng.random() < 0.6 else ("31", "", 3)
        else:
            ft_edu, ft_deg, years = rng.choice([("41", "", 3), ("61", "", 3), ("31", "", 3)])
        school, majors = rng.choice(UNIVERSITIES)
        if ft_edu in ("41", "61"):
            school, majors = (
                ("青山县中等职业学校", ["农村经济管理", "财会"])
                if ft_edu == "41"
                else ("青山县第一中学", [""])
            )
        educations = [
            (
                EducationKind.FULL_TIME,
                ft_edu,
                ft_deg,
                school,
                rng.choice(majors),
                date(work_start.year - years, 9, 1),
                date(work_start.year, 7, 1),
            )
        ]
        upgrade_chance = 0.35 if ft_edu in ("31", "41", "61") else 0.08
        if ft_edu != "11" and rng.random() < upgrade_chance:
            in_start = self._date_between(
                work_start + timedelta(days=400),
                max(work_start + timedelta(days=401), TODAY - timedelta(days=1200)),
            )
            in_edu = "2B" if ft_edu in ("31", "41", "61") else "1B"
            ps, pm = PARTY_SCHOOL
            educations.append(
                (
                    EducationKind.IN_SERVICE,
                    in_edu,
                    "",
                    ps,
                    rng.choice(pm),
                    in_start,
                    in_start + timedelta(days=365 * 3),
                )
            )

        # appointment history: 2–5 periods from work start to now, the last one current
        n_periods = rng.randint(2, 5) if age > 28 else rng.randint(1, 2)
        cut_points = sorted(
            self._date_between(work_start + timedelta(days=200), TODAY - timedelta(days=120))
            for _ in range(n_periods - 1)
        )
        starts = [work_start]
        for point in cut_points:  # periods of at least two months, strictly increasing
            if point >= starts[-1] + timedelta(days=60):
                starts.append(point)
        appointments = []
        township_units = [u for u in self._all_townships_cache(unit)]
        for i, start in enumerate(starts):
            end = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else None
            last = end is None
            if last and seat:
                a_unit, title, level, leader = seat.unit, seat.name, seat.level, True
            elif last:
                a_unit = unit
                title, level, leader = self._staff_title(unit)
            else:
                a_unit = unit if rng.random() < 0.5 else rng.choice(township_units)
                if seat and i == len(starts) - 2 and seat.level == "1A41":
                    is_township = a_unit.kind in (UnitKind.TOWN, UnitKind.TOWNSHIP)
                    title, level, leader = ("党委委员" if is_township else "副职"), "1A42", True
                else:
                    title, level, leader = self._staff_title(a_unit)
            full_title = title if title.startswith(a_unit.name) else a_unit.name + title
            appointments.append(
                Appointment(
                    unit_id=a_unit.pk,
                    post_id=seat.pk if (last and seat) else None,
                    title=full_title,
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
        ranks = []
        if category in ("1", "02"):
            rank_code = {"1A41": "17", "1A42": "18"}.get(
                appointments[-1].level, rng.choice(["19", "1A", "1B", "1C"])
            )
            ranks.append(
                (rank_code, self._date_between(max(work_start, date(2019, 6, 1)), TODAY - timedelta(days=30)))
            )
        family = self._family(name, born, gender, political)
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
            establishment="1" if category in ("1", "02") else ("2" if category == "04" else "9"),
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
                    assessments.append(
                        (year, "1" if rng.random() < 0.15 else ("2" if rng.random() < 0.97 else "3"))
                    )
        return {
            "cadre": cadre,
            "educations": educations,
            "appointments": appointments,
            "ranks": ranks,
            "family": family,
            "assessments": assessments,
        }

    _township_cache: list[Unit] | None = None
    _id_sequences: dict[tuple[str, date, str], int]

    def _id_number(self, born: date, gender: str) -> str:
        """A unique, valid 身份证号: area code + birth date + a per-(area, date, gender) sequence."""
        if not hasattr(self, "_id_sequences"):
            self._id_sequences = {}
        area = self.rng.choice(["469099", "469099", "469006", "469005", "460200"])
        key = (area, born, gender)
        n = self._id_sequences.get(key, 0)
        self._id_sequences[key] = n + 1
        return make_id_number(area, born, n, gender)

    def _all_townships_cache(self, unit: Unit) -> list[Unit]:
        if self._township_cache is None:
            self._township_cache = list(
                units_in_subtree(self.county)
                .filter(kind__in=[UnitKind.TOWN, UnitKind.TOWNSHIP])
                .order_by("code")
            )
        return self._township_cache

    def _staff_title(self, unit: Unit) -> tuple[str, str, bool]:
        rng = self.rng
        if unit.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY):
            return (
                rng.choice(["村委会委员", "村党支部委员", "村务监督委员会主任", "村委会副主任"]),
                "1A99",
                False,
            )
        if unit.kind == UnitKind.DEPARTMENT:
            office = rng.choice(["办公室", "综合股", "业务股", "财务股", "法规股"])
        else:
            office = rng.choice(["党政办", "经济发展办", "社会事务办", "综治办", "财政所", "农业服务中心"])
        return (
            office + rng.choice(["科员", "科员", "科员", "干事", "副主任"]),
            rng.choice(["1A50", "1A50", "1A60"]),
            False,
        )

    def _family(self, name: str, born: date, gender: str, political: str) -> list[tuple]:
        rng = self.rng
        rows = []
        spouse_rel = "12" if gender == "1" else "11"
        if (TODAY.year - born.year) > 25 and rng.random() < 0.9:
            rows.append(
                (
                    spouse_rel,
                    self._name("2" if gender == "1" else "1"),
                    self._date_between(date(born.year - 3, 1, 1), date(born.year + 3, 12, 28)),
                    rng.choice(["01", "13", "13"]),
                    rng.choice(
                        ["青山县第一小学教师", "青山县人民医院医生", "个体经营", "务农", "青山县农商银行职员"]
                    ),
                )
            )
            if (TODAY.year - born.year) > 28:
                child_born = date(born.year + rng.randint(24, 34), rng.randint(1, 12), rng.randint(1, 28))
                if child_born < TODAY:
                    cg = rng.choice(["1", "2"])
                    rows.append(
                        (
                            "20" if cg == "1" else "30",
                            name[0] + self._name(cg)[-1],
                            child_born,
                            "13" if (TODAY.year - child_born.year) < 14 else "03",
                            "学生" if (TODAY.year - child_born.year) < 23 else "待业",
                        )
                    )
        father_born = date(born.year - rng.randint(22, 35), rng.randint(1, 12), rng.randint(1, 28))
        rows.append(
            (
                "51",
                name[0] + self._name("1")[-1],
                father_born,
                rng.choice(["01", "13"]),
                "务农" if rng.random() < 0.6 else "退休",
            )
        )
        return rows

    def _insert(self, plans: list[dict]) -> None:
        with transaction.atomic():
            cadres = Cadre.objects.bulk_create([p["cadre"] for p in plans], batch_size=1000)
            edus, appts, ranks, fams, assess = [], [], [], [], []
            for cadre, p in zip(cadres, plans, strict=True):
                for kind, edu, deg, school, major, start, end in p["educations"]:
                    edus.append(
                        Education(
                            cadre_id=cadre.pk,
                            kind=kind,
                            education=edu,
                            degree=deg,
                            school=school,
                            major=major,
                            started_on=start,
                            ended_on=end,
                        )
                    )
                for appointment in p["appointments"]:
                    appointment.cadre_id = cadre.pk
                    appts.append(appointment)
                for code, since in p["ranks"]:
                    ranks.append(RankRecord(cadre_id=cadre.pk, rank=code, started_on=since))
                for rel, fname, fborn, fpol, work in p["family"]:
                    fams.append(
                        FamilyMember(
                            cadre_id=cadre.pk,
                            relation=rel,
                            name=fname,
                            birth_date=fborn,
                            political_status=fpol,
                            workplace=work,
                        )
                    )
                for year, grade in p["assessments"]:
                    assess.append(AnnualAssessment(cadre_id=cadre.pk, year=year, grade=grade))
            Education.objects.bulk_create(edus, batch_size=2000)
            Appointment.objects.bulk_create(appts, batch_size=2000)
            RankRecord.objects.bulk_create(ranks, batch_size=2000)
            FamilyMember.objects.bulk_create(fams, batch_size=2000)
            AnnualAssessment.objects.bulk_create(assess, batch_size=2000)
            state_periods_rebuild(cadre_ids=[c.pk for c in cadres])
            self.ctx.stats.rows += len(cadres) + len(edus) + len(appts) + len(ranks) + len(fams) + len(assess)


def seed_cadres(ctx: DemoContext) -> None:
    """`ctx.cadres` cadres in the demo county built by `org.demo` (none when 0)."""
    county = county_root()
    if county is not None:
        CadreBuilder(ctx).build_cadres(county, ctx.cadres)
