"""The demo county obeys the rules it demonstrates (issue 13, item 10): an organisation department
that opens the demo must find no 共青团员 as 纪委书记, no 一级主任科员 at 25, nobody in post past the
statutory retirement age, no 镇长 for 31 years, no study begun at 15 and no 「办公室办公室干事」.

The rules are stated here, independently of the generator (`cadres/demo.py`), with their sources:
- Party posts (党委、党支部、纪委 and their 书记、委员) are held by full members of the CPC: admitted
  (入党时间, the day of admission as 预备党员) at 18 or later (《中国共产党章程》第一条) and at least a year
  before the post began (the 预备期 of one year, 第七条). A 预备党员 was admitted within the last year;
  a 共青团员 is 14 to 28 (《中国共产主义青年团章程》第一条). Leaders who are not CPC members are
  deputies in government, congress or department teams, from a democratic party or 无党派人士.
- Ranks (职级, since 2019-06-01) need the minimum years of the 《公务员职务与职级并行规定》(2019)
  第十三条: 一级科员 → 四级主任科员 three years, every other step two, counted from entry after the
  one-year 试用期 at 一级科员 (大学 and above) or 二级科员 (below). So 一级主任科员 needs at least 10
  years of service (12 without a degree course); ranks are for 公务员 and 参照管理 staff only.
- Promotion steps (《公务员职务任免与职务升降规定》): a 乡科级副职 after three years as 科员 (four
  years from work start, with the 试用期), a 乡科级正职 after two years as 副职.
- Statutory retirement (`cadres.rules.statutory_retirement`): an active cadre has not reached it.
- Tenure: nobody holds one post ten years or more (《党政领导干部交流工作规定》第六条: 在同一职位上
  任职满10年的必须交流; the demo applies the bound to every post, staff included).
- Education: 大专 and above begin at 17 or later (after 高中), 中专 and 高中 at 15 or later; full-time
  study ends before work starts, at 18 or later; in-service study begins after it and is finished.
- Titles: the unit's name and the post, each once (no 「县委办公室办公室科员」); a community's cadres
  sit on its 居委会, not a 村委会; 政法委, 纪委监委 and 团县委 are led by a 书记, 总工会 and 妇联 by a 主席.
- Codes: every coded value is in the national tables (`org.codes`).

The county is seeded once for the module (registry only, 700 cadres) inside a transaction that is
rolled back at the end. `violations(load_demo())` returns every breach by rule, so the demo at its
default size can be checked too (after `manage.py seed_demo`, in `manage.py shell`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.db import transaction

from ganbu.cadres.models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    CadreStatus,
    Education,
    EducationKind,
    FamilyMember,
    RankRecord,
)
from ganbu.cadres.rules import retirement_group, statutory_retirement
from ganbu.core.dates import add_years, age_on
from ganbu.core.demo import TODAY
from ganbu.home.demo import seed_demo
from ganbu.org.codes import CODE_TABLES
from ganbu.org.models import TeamKind, UnitKind

pytestmark = pytest.mark.django_db

CADRES = 700  # all 263 leadership seats and about 440 staff: every kind of career occurs
SEED = 11

PARTY_MEMBER = "01"
PROBATIONARY = "02"
YOUTH_LEAGUE = "03"
OTHER_PARTIES = frozenset({"04", "05", "06", "07", "08", "09", "10", "11", "12"})  # and 无党派人士
# words that make a post a party post (the unit's own name is taken off the title first, so the
# staff of 县委办公室 or 县纪委监委 are not counted)
PARTY_POST_WORDS = ("书记", "党委", "党支部", "党总支", "党组", "纪委", "组织委员", "宣传委员")

RANK_REFORM = date(2019, 6, 1)  # 《公务员职务与职级并行规定》 in force
RANKED_CATEGORIES = frozenset({"1", "5", "6"})  # 公务员, 参照管理机关 / 事业单位工作人员
# rank → years at the rank below needed to reach it (第十三条); the entry ranks need none
RANK_STEPS = [("1C", 0), ("1B", 2), ("1A", 3), ("19", 2), ("18", 2), ("17", 2), ("16", 2)]
PROBATION_YEARS = 1
DEGREE_COURSE = ("1", "2")  # 研究生 and 大学 codes start with these: entry at 一级科员

DEPUTY_AFTER_YEARS = 4  # from work start: a year of 试用期 and three as 科员
HEAD_AFTER_DEPUTY_YEARS = 2
TENURE_LIMIT_YEARS = 10
TERTIARY_ENTRY_AGE = 17
SECONDARY_ENTRY_AGE = 15
WORK_START_AGE = 18
YOUTH_LEAGUE_AGES = (14, 28)
DOUBLED = re.compile(r"(.{2,})\1")
# led by a 书记 (政法委, 纪委监委, 团县委) or a 主席 (总工会, 妇联), never a 「县妇联主任」
NOT_LED_BY_A_DIRECTOR = ("政法委", "纪委监委", "团县委", "总工会", "妇联")


def min_years_for_rank(rank: str, fulltime_education: str) -> int | None:
    """The fewest years from work start to hold `rank` (None: not a rank of the table)."""
    entry = "1B" if fulltime_education.startswith(DEGREE_COURSE) else "1C"
    codes = [code for code, _ in RANK_STEPS]
    if rank not in codes:
        return None
    steps = RANK_STEPS[codes.index(entry) + 1 : codes.index(rank) + 1]
    return PROBATION_YEARS + sum(step for _, step in steps)


def post_part(title: str, unit_name: str) -> str:
    return title[len(unit_name) :] if title.startswith(unit_name) else title


def is_party_post(appointment: Appointment) -> bool:
    post = appointment.post
    if post is not None and post.team is not None and post.team.kind == TeamKind.PARTY_COMMITTEE:
        return True
    words = post_part(appointment.title, appointment.unit.name)
    return any(word in words for word in PARTY_POST_WORDS)


@dataclass
class Demo:
    cadres: dict[int, Cadre]
    appointments: dict[int, list[Appointment]] = field(default_factory=dict)
    educations: dict[int, list[Education]] = field(default_factory=dict)
    ranks: dict[int, list[RankRecord]] = field(default_factory=dict)
    family: dict[int, list[FamilyMember]] = field(default_factory=dict)
    assessments: list[AnnualAssessment] = field(default_factory=list)


def load_demo() -> Demo:
    demo = Demo(cadres={c.pk: c for c in Cadre.objects.order_by("id")})
    for a in Appointment.objects.select_related("unit", "post__team").order_by("cadre_id", "started_on"):
        demo.appointments.setdefault(a.cadre_id, []).append(a)
    for e in Education.objects.order_by("cadre_id", "started_on"):
        demo.educations.setdefault(e.cadre_id, []).append(e)
    for r in RankRecord.objects.order_by("cadre_id", "started_on"):
        demo.ranks.setdefault(r.cadre_id, []).append(r)
    for f in FamilyMember.objects.order_by("cadre_id", "id"):
        demo.family.setdefault(f.cadre_id, []).append(f)
    demo.assessments = list(AnnualAssessment.objects.order_by("cadre_id", "year"))
    return demo


# ---- the rules, each a list of breaches ("name: what") ----------------------------------------------


def party_post_violations(demo: Demo) -> list[str]:
    out = []
    for cadre_id, appointments in demo.appointments.items():
        cadre = demo.cadres[cadre_id]
        for a in appointments:
            if not is_party_post(a):
                continue
            joined = cadre.party_joined_on
            if cadre.political_status != PARTY_MEMBER or joined is None:
                out.append(f"{cadre.name}：政治面貌 {cadre.political_status}，任 {a.title}")
            elif add_years(joined, 1) > a.started_on:
                out.append(f"{cadre.name}：{joined} 入党，{a.started_on} 任 {a.title}")
    return out


def leader_party_violations(demo: Demo) -> list[str]:
    """Leaders outside the CPC are deputies of a government, congress or department team, from a
    democratic party or 无党派人士 (never a 共青团员, 群众 or 预备党员)."""
    out = []
    for cadre_id, appointments in demo.appointments.items():
        cadre = demo.cadres[cadre_id]
        for a in appointments:
            if not a.is_leadership or cadre.political_status == PARTY_MEMBER:
                continue
            if cadre.political_status not in OTHER_PARTIES or a.level != "1A42":
                out.append(f"{cadre.name}：政治面貌 {cadre.political_status}，任 {a.title}（{a.level}）")
    return out


def membership_age_violations(demo: Demo) -> list[str]:
    out = []
    for cadre in demo.cadres.values():
        status, joined = cadre.political_status, cadre.party_joined_on
        if status in (PARTY_MEMBER, PROBATIONARY):
            if joined is None or age_on(cadre.birth_date, joined) < 18 or joined > TODAY:
                out.append(f"{cadre.name}：生于 {cadre.birth_date}，入党 {joined}")
            elif status == PROBATIONARY and add_years(joined, 1) <= TODAY:
                out.append(f"{cadre.name}：{joined} 入党，至今仍是预备党员")
        elif joined is not None:
            out.append(f"{cadre.name}：政治面貌 {status}，却有入党时间 {joined}")
        if status == YOUTH_LEAGUE and not (
            YOUTH_LEAGUE_AGES[0] <= age_on(cadre.birth_date, TODAY) <= YOUTH_LEAGUE_AGES[1]
        ):
            out.append(f"{cadre.name}：{age_on(cadre.birth_date, TODAY)} 岁的共青团员")
    for cadre_id, members in demo.family.items():
        for m in members:
            if m.birth_date is None:
                continue
            age = age_on(m.birth_date, TODAY)
            if m.political_status == YOUTH_LEAGUE and not (
                YOUTH_LEAGUE_AGES[0] <= age <= YOUTH_LEAGUE_AGES[1]
            ):
                out.append(f"{demo.cadres[cadre_id].name} 的家庭成员 {m.name}：{age} 岁的共青团员")
            if m.political_status in (PARTY_MEMBER, PROBATIONARY) and age < 18:
                out.append(f"{demo.cadres[cadre_id].name} 的家庭成员 {m.name}：{age} 岁的党员")
    return out


def rank_violations(demo: Demo) -> list[str]:
    out = []
    for cadre_id, ranks in demo.ranks.items():
        cadre = demo.cadres[cadre_id]
        if cadre.personnel_category not in RANKED_CATEGORIES:
            out.append(f"{cadre.name}：人员类别 {cadre.personnel_category} 不定职级")
        for r in ranks:
            years = min_years_for_rank(r.rank, cadre.fulltime_education)
            if r.started_on < RANK_REFORM:
                out.append(f"{cadre.name}：{r.started_on} 任职级 {r.rank}，早于职级并行")
            if years is None or cadre.work_started_on is None:
                out.append(f"{cadre.name}：职级 {r.rank} 无法核对")
            elif r.started_on < add_years(cadre.work_started_on, years):
                served = age_on(cadre.work_started_on, r.started_on)
                out.append(
                    f"{cadre.name}：工作 {served} 年任 {r.rank}（至少 {years} 年），"
                    f"时年 {age_on(cadre.birth_date, r.started_on)} 岁"
                )
    return out


def promotion_violations(demo: Demo) -> list[str]:
    out = []
    for cadre_id, appointments in demo.appointments.items():
        cadre = demo.cadres[cadre_id]
        assert cadre.work_started_on is not None
        deputies = [a.started_on for a in appointments if a.is_leadership and a.level == "1A42"]
        for a in appointments:
            leader = a.is_leadership and a.level in ("1A42", "1A41")
            if leader and a.started_on < add_years(cadre.work_started_on, DEPUTY_AFTER_YEARS):
                out.append(f"{cadre.name}：{cadre.work_started_on} 参加工作，{a.started_on} 任 {a.title}")
            head = a.is_leadership and a.level == "1A41"
            if head and (not deputies or a.started_on < add_years(min(deputies), HEAD_AFTER_DEPUTY_YEARS)):
                out.append(f"{cadre.name}：任副职不满 {HEAD_AFTER_DEPUTY_YEARS} 年任 {a.title}")
    return out


def retirement_violations(demo: Demo) -> list[str]:
    out = []
    for cadre in demo.cadres.values():
        if cadre.status != CadreStatus.ACTIVE:
            continue
        retirement = statutory_retirement(
            cadre.birth_date, retirement_group(cadre.gender, cadre.personnel_category)
        )
        if (retirement.year, retirement.month) <= (TODAY.year, TODAY.month):
            out.append(
                f"{cadre.name}：{retirement.label}（{retirement.age_label}）到退休年龄，仍在职（{cadre.current_title}）"
            )
    return out


def tenure_violations(demo: Demo) -> list[str]:
    """Consecutive appointments to the same title are one stay in the post."""
    out = []
    for cadre_id, appointments in demo.appointments.items():
        stays: list[tuple[str, date, date]] = []
        for a in appointments:
            end = a.ended_on or TODAY
            if stays and stays[-1][0] == a.title:
                stays[-1] = (a.title, stays[-1][1], end)
            else:
                stays.append((a.title, a.started_on, end))
        for title, start, end in stays:
            if end >= add_years(start, TENURE_LIMIT_YEARS):
                out.append(f"{demo.cadres[cadre_id].name}：{title} {age_on(start, end)} 年（{start} 起）")
    return out


def education_violations(demo: Demo) -> list[str]:
    out = []
    for cadre in demo.cadres.values():
        work = cadre.work_started_on
        assert work is not None
        if age_on(cadre.birth_date, work) < WORK_START_AGE:
            out.append(f"{cadre.name}：{age_on(cadre.birth_date, work)} 岁参加工作")
        for e in demo.educations.get(cadre.pk, []):
            assert e.started_on is not None and e.ended_on is not None
            entry_age = age_on(cadre.birth_date, e.started_on)
            least = (
                SECONDARY_ENTRY_AGE if e.education in ("41", "47", "61", "71", "81") else TERTIARY_ENTRY_AGE
            )
            if entry_age < least:
                out.append(f"{cadre.name}：{entry_age} 岁入学（{e.school}，学历 {e.education}）")
            if e.ended_on <= e.started_on or e.ended_on > TODAY:
                out.append(f"{cadre.name}：{e.school} {e.started_on}—{e.ended_on}")
            if e.kind == EducationKind.FULL_TIME and e.ended_on > work:
                out.append(f"{cadre.name}：{e.ended_on} 全日制毕业，{work} 已参加工作")
            if e.kind == EducationKind.IN_SERVICE and e.started_on < work:
                out.append(f"{cadre.name}：{e.started_on} 在职入学，{work} 才参加工作")
    return out


def title_violations(demo: Demo) -> list[str]:
    out = []
    for cadre_id, appointments in demo.appointments.items():
        for a in appointments:
            if DOUBLED.search(a.title) or not a.title.startswith(a.unit.name):
                out.append(f"{demo.cadres[cadre_id].name}：{a.title}（{a.unit.name}）")
            if a.unit.kind == UnitKind.COMMUNITY and "村" in post_part(a.title, a.unit.name):
                out.append(f"{demo.cadres[cadre_id].name}：社区的 {a.title}")
            led_otherwise = a.unit.name.endswith(NOT_LED_BY_A_DIRECTOR)
            if a.is_leadership and led_otherwise and post_part(a.title, a.unit.name) in ("主任", "副主任"):
                out.append(f"{demo.cadres[cadre_id].name}：{a.title}（应为书记或主席）")
    for cadre in demo.cadres.values():
        if DOUBLED.search(cadre.current_title):
            out.append(f"{cadre.name}：现任 {cadre.current_title}")
    return out


def code_violations(demo: Demo) -> list[str]:
    codes = {table: {code for code, _, _ in items} for table, (_, _, items) in CODE_TABLES.items()}
    checks: list[tuple[str, str, str]] = []  # (table, value, whose)
    for c in demo.cadres.values():
        checks += [
            ("gender", c.gender, c.name),
            ("ethnicity", c.ethnicity, c.name),
            ("political_status", c.political_status, c.name),
            ("personnel_category", c.personnel_category, c.name),
            ("establishment", c.establishment, c.name),
        ]
    for cadre_id, appointments in demo.appointments.items():
        checks += [("leadership_level", a.level, demo.cadres[cadre_id].name) for a in appointments]
    for cadre_id, educations in demo.educations.items():
        for e in educations:
            checks.append(("education", e.education, demo.cadres[cadre_id].name))
            if e.degree:
                checks.append(("degree", e.degree, demo.cadres[cadre_id].name))
    for cadre_id, ranks in demo.ranks.items():
        checks += [("civil_service_rank", r.rank, demo.cadres[cadre_id].name) for r in ranks]
    for cadre_id, members in demo.family.items():
        for m in members:
            checks.append(("family_relation", m.relation, demo.cadres[cadre_id].name))
            checks.append(("political_status", m.political_status, demo.cadres[cadre_id].name))
    for a in demo.assessments:
        checks.append(("assessment_result", a.grade, demo.cadres[a.cadre_id].name))
    return [f"{whose}：{table} {value!r}" for table, value, whose in checks if value not in codes[table]]


RULES = {
    "党内职务由正式党员担任": party_post_violations,
    "党外领导干部只任副职": leader_party_violations,
    "政治面貌与年龄相符": membership_age_violations,
    "职级与任职年限相符": rank_violations,
    "提任副职、正职的年限": promotion_violations,
    "到法定退休年龄者不在职": retirement_violations,
    "同一职位不满十年": tenure_violations,
    "入学、毕业与参加工作的先后": education_violations,
    "职务名称不重复": title_violations,
    "代码均在国家代码表中": code_violations,
}


def violations(demo: Demo) -> dict[str, list[str]]:
    return {name: rule(demo) for name, rule in RULES.items()}


# ---- the tests ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[Demo]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        seed_demo(cadres=CADRES, seed=SEED, skip=frozenset({"villagework"}))
        yield load_demo()
        transaction.set_rollback(True)


def _none(found: list[str]) -> None:
    assert not found, f"{len(found)} 处：" + "；".join(found[:8])


def test_party_posts_are_held_by_full_party_members(demo: Demo) -> None:
    _none(party_post_violations(demo))


def test_leaders_outside_the_party_are_deputies_from_other_parties(demo: Demo) -> None:
    _none(leader_party_violations(demo))


def test_party_and_league_membership_fits_age(demo: Demo) -> None:
    _none(membership_age_violations(demo))


def test_ranks_fit_years_of_service(demo: Demo) -> None:
    _none(rank_violations(demo))


def test_deputies_and_heads_served_the_minimum_years_before(demo: Demo) -> None:
    _none(promotion_violations(demo))


def test_nobody_past_statutory_retirement_is_in_post(demo: Demo) -> None:
    _none(retirement_violations(demo))


def test_nobody_holds_one_post_ten_years(demo: Demo) -> None:
    _none(tenure_violations(demo))


def test_study_and_work_follow_each_other_at_plausible_ages(demo: Demo) -> None:
    _none(education_violations(demo))


def test_titles_name_the_unit_and_the_post_once(demo: Demo) -> None:
    _none(title_violations(demo))


def test_every_code_is_in_the_national_tables(demo: Demo) -> None:
    _none(code_violations(demo))


def test_the_rules_see_a_breach(demo: Demo) -> None:
    """The checks are not vacuous: a 25-year-old 一级主任科员 and a 共青团员 纪委书记 are caught."""
    cadre = next(c for c in demo.cadres.values() if demo.ranks.get(c.pk) and demo.appointments.get(c.pk))
    assert cadre.work_started_on is not None
    rank = RankRecord(cadre=cadre, rank="17", started_on=add_years(cadre.work_started_on, 3))
    broken = Demo(cadres={cadre.pk: cadre}, ranks={cadre.pk: [rank]})
    assert rank_violations(broken)
    secretary = next(
        a for appointments in demo.appointments.values() for a in appointments if a.title.endswith("纪委书记")
    )
    league = Cadre(name="某", birth_date=secretary.cadre.birth_date, political_status=YOUTH_LEAGUE)
    league.pk = secretary.cadre_id
    assert party_post_violations(Demo(cadres={league.pk: league}, appointments={league.pk: [secretary]}))
