"""驻村工作 in the demo county (青山县): household registers, cadres stationed in villages, a year of
work logs with household visits, villagers' requests, and the demo logins for the phone pages.

Called by `ganbu.home.demo.seed_demo` after the cadres exist. Like the cadre part of the demo it
bulk-inserts rows directly (no per-row services or queries) with the derived fields computed by
the same rule functions the services use, and it keeps every rule the services enforce:
- a household is unique by 户主 + 村民小组 within its village, 人口 ≥ 1;
- a village has one current 驻村干部, at most one 驻村第一书记 at a time (no overlapping terms),
  stationed cadres and 工作队员 come from the village's own township (not its 党委书记/镇长/人大主席),
  first secretaries from county departments;
- logs fall on working days inside the assignment, visit only households of the log's village, one
  Visit per household per log with the village, cadre and date copied from the log;
- requests: due date ≥ raised date; 已办结 ⇒ resolved date and resolution; 已上报乡镇 ⇒ escalated
  date; no date after TODAY.

Deterministic for a given seed: its random stream is derived from the seed alone and it only
iterates ordered lists (never sets), so the same seed gives the same rows whatever the primary keys.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
from django.db import reset_queries, transaction

from ganbu.audit.services import record_event
from ganbu.cadres.models import Cadre, CadreStatus
from ganbu.core.demo import FEMALE_CHARS, MALE_CHARS, SURNAMES, TODAY, weighted
from ganbu.core.pinyin import name_keys
from ganbu.env import read_private_file, write_private_file
from ganbu.org.demo import COUNTY_CODE
from ganbu.org.models import TOWNSHIP_KINDS, VILLAGE_KINDS, Role, Unit, UnitKind, User
from ganbu.villagework.models import (
    Assignment,
    AssignmentRole,
    Household,
    HouseholdCategory,
    LogKind,
    RequestCategory,
    RequestStatus,
    VillagerRequest,
    Visit,
    WorkLog,
)

# The logs cover one year up to the demo's TODAY.
LOG_WINDOW_START = date(2025, 11, 1)
# The settings' default (VillageWorkSettings.request_due_days); the demo does not read the table so
# seeding never creates the settings row.
REQUEST_DUE_DAYS = 15
CHUNK = 5000
# leadership levels that are a unit's heads (党委书记, 镇长/乡长, 人大主席; 局长/部长/主任): never
# stationed; their deputies (1A42) may be
HEAD_LEVEL = "1A41"

NUMERALS = "一二三四五六七八九十"

HOUSEHOLD_CATEGORIES: list[tuple[str, int]] = [
    (HouseholdCategory.GENERAL, 80),
    (HouseholdCategory.LIFTED, 12),
    (HouseholdCategory.MONITORED, 3),
    (HouseholdCategory.DIBAO, 4),
    (HouseholdCategory.WUBAO, 1),
]
SPECIAL_CATEGORIES = {
    HouseholdCategory.LIFTED,
    HouseholdCategory.MONITORED,
    HouseholdCategory.DIBAO,
    HouseholdCategory.WUBAO,
}
# 人口 1–8, mostly 3–4
MEMBER_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8]
MEMBER_WEIGHTS = [6, 14, 25, 27, 15, 8, 3, 2]
PHONE_PREFIXES = ["130", "131", "132", "135", "136", "138", "139", "150", "151", "158", "177", "180", "188"]

LOG_KINDS: list[tuple[str, int]] = [
    (LogKind.VISIT, 50),
    (LogKind.CLINIC, 20),
    (LogKind.CONSULT, 8),
    (LogKind.POLICY, 10),
    (LogKind.MEDIATION, 5),
    (LogKind.PROJECT, 5),
    (LogKind.OTHER, 2),
]
REQUEST_CATEGORIES: list[tuple[str, int]] = [
    (RequestCategory.PRODUCTION, 20),
    (RequestCategory.INFRASTRUCTURE, 22),
    (RequestCategory.WELFARE, 20),
    (RequestCategory.DISPUTE, 10),
    (RequestCategory.POLICY, 12),
    (RequestCategory.ENVIRONMENT, 12),
    (RequestCategory.OTHER, 4),
]

POLICIES = [
    "防返贫动态监测政策",
    "城乡居民医疗保险参保缴费政策",
    "耕地地力保护补贴政策",
    "农村危房改造政策",
    "脱贫人口小额信贷政策",
    "雨露计划助学政策",
    "城乡居民养老保险政策",
    "森林防火和秸秆禁烧规定",
    "防溺水安全知识",
    "防范电信网络诈骗知识",
    "移风易俗倡议",
    "农村人居环境整治要求",
]
ISSUES = [
    "村道硬化",
    "饮水安全",
    "村集体经济发展",
    "农田水利设施维修",
    "人居环境整治",
    "低保民主评议",
    "宅基地审批",
    "防汛防台准备",
    "一事一议公益项目",
]
DISPUTES = ["宅基地界址", "土地承包经营权", "山林权属", "灌溉用水", "邻里建房滴水", "赡养老人", "借款"]
PROJECTS = [
    "村道硬化工程",
    "村集体槟榔加工厂",
    "农村饮水提升工程",
    "村文化室改造项目",
    "产业道路建设项目",
    "村级光伏发电项目",
    "村级冷库项目",
]
CROPS = ["槟榔", "橡胶", "胡椒", "冬季瓜菜", "水稻", "椰子", "百香果", "黑山羊养殖", "文昌鸡养殖"]

LOG_TEMPLATES: dict[str, list[str]] = {
    LogKind.VISIT: [
        "走访{group}{names}等{n}户，了解家庭收入和外出务工情况，宣传{policy}。",
        "入户走访{group}{names}，核实家庭人口和收入变化，登记群众反映的问题。",
        "到{group}走访{names}，查看{crop}种植管护情况，了解生产中的困难。",
        "走访{group}{names}等{n}户，听取群众对村务公开和村级工作的意见建议。",
        "走访{names}，核对帮扶台账，提醒按时缴纳城乡居民医保。",
    ],
    LogKind.CLINIC: [
        "在村委会驻村工作日坐诊，接待来访群众{k}人次，解答{policy}相关问题。",
        "在村便民服务站值班，帮助群众办理医保参保登记、低保申请等事项{k}件。",
        "驻村坐诊，协助村两委整理村务档案，接待群众咨询{k}人次。",
    ],
    LogKind.CONSULT: [
        "召开村两委会议，会同村干部研究{issue}工作，明确责任人和完成时限。",
        "参加村两委联席会议，共同商议群众反映的{issue}问题，形成解决方案。",
    ],
    LogKind.POLICY: [
        "在{group}召开群众会，宣讲{policy}，发放宣传资料{k}份。",
        "利用村广播和村民微信群宣传{policy}，解答群众疑问。",
    ],
    LogKind.MEDIATION: [
        "调解{group}两户村民因{dispute}引发的纠纷，经耐心说服双方达成和解。",
        "会同村调解委员会处理{dispute}纠纷，做好双方思想工作，矛盾已初步化解。",
    ],
    LogKind.PROJECT: [
        "到{project}现场查看施工进度和质量，协调解决{issue}问题。",
        "推进{project}，与施工方和村民代表座谈，督促按期完工。",
    ],
    LogKind.OTHER: [
        "参加乡镇驻村干部工作例会，汇报本周驻村工作情况。",
        "整理驻村工作台账，更新农户走访记录。",
        "陪同县乡村振兴局检查组到村检查防返贫监测工作。",
    ],
}
# (诉求内容, 办理结果) by category
REQUEST_TEMPLATES: dict[str, list[tuple[str, str]]] = {
    RequestCategory.PRODUCTION: [
        ("希望提供{crop}种植技术指导", "已联系乡镇农业服务中心技术员上门指导。"),
        ("反映{crop}销路不畅，希望帮助联系收购商", "已对接收购商上门收购，群众表示满意。"),
        ("申请脱贫人口小额信贷发展{crop}", "已协助办理小额信贷申请，贷款已发放。"),
    ],
    RequestCategory.INFRASTRUCTURE: [
        ("反映{group}村道路面破损，雨天出行不便", "已报乡镇列入维修计划，路面现已修复。"),
        ("反映家中自来水水压不足，经常停水", "已协调供水公司检修管网，供水恢复正常。"),
        ("申请在{group}路口安装路灯", "已纳入村级公益项目，路灯已安装。"),
        ("反映灌溉水渠堵塞，影响农田灌溉", "已组织村民投工投劳清理完毕。"),
    ],
    RequestCategory.WELFARE: [
        ("咨询低保申请条件，希望纳入低保", "已协助准备申请材料，经村民代表评议后报乡镇审核。"),
        ("反映医保报销手续繁琐，希望协助办理", "已帮助办理报销手续，款项已到账。"),
        ("申请农村危房改造补助", "已上门核查房屋情况并报乡镇，列入年度改造计划。"),
        ("家中老人行动不便，申请办理残疾证", "已联系县残联上门评残，残疾证已办理。"),
    ],
    RequestCategory.DISPUTE: [
        ("与邻居因{dispute}发生纠纷，请求调解", "经村调解委员会调解，双方达成书面协议。"),
        ("反映与亲属因{dispute}问题长期不和，请求村里出面", "已会同司法所调解，矛盾化解。"),
    ],
    RequestCategory.POLICY: [
        ("咨询{policy}的具体标准", "已当面解释政策标准并提供宣传资料。"),
        ("咨询子女申请雨露计划补助的办法", "已上门讲解申请办法，材料已提交。"),
    ],
    RequestCategory.ENVIRONMENT: [
        ("反映{group}垃圾清运不及时", "已协调保洁员定时清运。"),
        ("反映附近养殖场气味影响生活", "已督促养殖户整改，现已达标。"),
        ("希望整治房前屋后的积水和杂草", "已组织开展环境卫生整治。"),
    ],
    RequestCategory.OTHER: [
        ("希望村里组织实用技能培训", "已向乡镇反映，列入年度培训计划。"),
        ("反映手机信号差，希望协调增设基站", "已向通信公司反映，列入建设计划。"),
    ],
}
FIRST_SECRETARY_DUTIES = [
    "抓党建促乡村振兴；推进村集体经济项目",
    "建强村党组织；发展壮大村集体经济；巩固拓展脱贫攻坚成果",
    "推动乡村产业发展；为民办事服务；提升村级治理水平",
]
TEAM_MEMBER_DUTIES = ["协助驻村干部开展入户走访和政策宣传", "负责防返贫动态监测和帮扶台账"]
STATIONED_DUTIES = ["", "", "", "协助村两委做好防返贫动态监测", "推进村级集体经济项目"]


@dataclass
class _Village:
    unit: Unit
    households: list[Household] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


@dataclass
class _Profile:
    """How a cadre works: logs per week (mean) and the share of the village they reach in a year."""

    logs_per_week: float
    coverage: float


@dataclass
class _PendingLog:
    log: WorkLog
    household_ids: list[int]
    request: VillagerRequest | None


def _group_names(n: int) -> list[str]:
    def numeral(i: int) -> str:
        return NUMERALS[i - 1] if i <= 10 else "十" + NUMERALS[i - 11]

    return [numeral(i) + "组" for i in range(1, n + 1)]


def _is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the pinned calendar does not cover yet
        return day.weekday() < 5


class VillageWorkDemo:
    """Builds the 驻村 data of an already seeded demo county."""

    def __init__(
        self,
        *,
        seed: int,
        progress: Callable[[str], None] | None = None,
        townships: Sequence[str] | None = None,
    ) -> None:
        self.rng = random.Random(f"villagework:{seed}")  # a str seed hashes the same in every run
        self.township_codes = list(townships) if townships is not None else None  # None: all
        self.progress = progress or (lambda msg: None)
        self.rows = 0
        self.counts: dict[str, int] = {}
        self._name_keys: dict[str, tuple[str, str]] = {}
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_cum = list(itertools.accumulate(w for _, w in SURNAMES))
        self._workdays: dict[date, bool] = {}
        # cadre pools per township (staff, deputies) and of county departments, and who was taken
        self._staff: dict[int, list[int]] = {}
        self._deputies: dict[int, list[int]] = {}
        self._dept_pool: list[int] = []
        self._used: dict[int, list[int]] = {}
        self._used_dept: list[int] = []

    # ---- entry point ---------------------------------------------------------------------------
    def run(self) -> int:
        county = Unit.objects.filter(code=COUNTY_CODE).first()
        if county is None:
            return 0
        townships = list(Unit.objects.filter(parent=county, kind__in=TOWNSHIP_KINDS).order_by("code"))
        if self.township_codes is not None:
            townships = [t for t in townships if t.code in self.township_codes]
        villages = list(
            Unit.objects.filter(parent__in=townships, kind__in=VILLAGE_KINDS)
            .select_related("parent")
            .order_by("parent__code", "code")
        )
        started = time.monotonic()
        by_village = self.build_households(villages)
        self.progress(f"已生成农户 {self.counts['households']} 户（{time.monotonic() - started:.0f} 秒）")
        assignments = self.build_assignments(county, townships, villages)
        self.progress(f"已生成驻村安排 {len(assignments)} 条")
        self.build_logs(assignments, by_village)
        self.progress(
            f"已生成驻村工作记录 {self.counts['logs']} 条、走访 {self.counts['visits']} 户次、"
            f"群众诉求 {self.counts['requests']} 件（{time.monotonic() - started:.0f} 秒）"
        )
        with transaction.atomic():
            record_event(
                actor=None,
                action="villagework.demo_seed",
                obj=county,
                unit_path=county.path,
                payload=dict(self.counts),
            )
        return self.rows

    # ---- households ----------------------------------------------------------------------------
    def _head_name(self) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._surname_cum)[0]
        chars = MALE_CHARS if rng.random() < 0.82 else FEMALE_CHARS
        given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
        return surname + given

    def _keys(self, name: str) -> tuple[str, str]:
        keys = self._name_keys.get(name)
        if keys is None:
            pinyin, initials, _ = name_keys(name)
            keys = self._name_keys[name] = (pinyin, initials)
        return keys

    def _phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def build_households(self, villages: list[Unit]) -> dict[int, _Village]:
        rng = self.rng
        by_village: dict[int, _Village] = {}
        batch: list[Household] = []
        total = 0
        for village in villages:
            info = _Village(unit=village, groups=_group_names(rng.randint(4, 12)))
            by_village[village.pk] = info
            taken: set[tuple[str, str]] = set()
            for _ in range(village.households or 0):
                group = rng.choice(info.groups)
                name = self._head_name()
                while (name, group) in taken:  # 户主 + 小组 is unique within the village
                    name = self._head_name()
                taken.add((name, group))
                category = weighted(rng, HOUSEHOLD_CATEGORIES)
                members = (
                    1
                    if category == HouseholdCategory.WUBAO
                    else rng.choices(MEMBER_COUNTS, weights=MEMBER_WEIGHTS)[0]
                )
                pinyin, initials = self._keys(name)
                household = Household(
                    village_id=village.pk,
                    head_name=name,
                    group_name=group,
                    members=members,
                    phone=self._phone() if rng.random() < 0.8 else "",
                    category=category,
                    address=f"{village.name}{group}{rng.randint(1, 120)}号",
                    head_pinyin=pinyin,
                    head_initials=initials,
                )
                batch.append(household)
                info.households.append(household)
            if len(batch) >= CHUNK:
                total += self._insert_households(batch)
                batch = []
        total += self._insert_households(batch)
        self.counts["households"] = total
        return by_village

    def _insert_households(self, batch: list[Household]) -> int:
        if not batch:
            return 0
        with transaction.atomic():
            Household.objects.bulk_create(batch, batch_size=CHUNK)
        reset_queries()
        self.rows += len(batch)
        return len(batch)

    # ---- assignments ---------------------------------------------------------------------------
    def _days_ago(self, low: int, high: int) -> date:
        """A date between `high` and `low` days before TODAY."""
        return TODAY - timedelta(days=self.rng.randint(low, high))

    def build_assignments(
        self, county: Unit, townships: list[Unit], villages: list[Unit]
    ) -> list[Assignment]:
        rng = self.rng
        township_ids = [t.pk for t in townships]
        departments = list(
            Unit.objects.filter(parent=county, kind=UnitKind.DEPARTMENT)
            .order_by("code")
            .values_list("pk", flat=True)
        )
        self._staff = {pk: [] for pk in township_ids}
        self._deputies = {pk: [] for pk in township_ids}
        self._dept_pool = []
        self._used = {pk: [] for pk in township_ids}
        self._used_dept = []
        rows = (
            Cadre.objects.filter(status=CadreStatus.ACTIVE, unit_id__in=township_ids + departments)
            .order_by("id")
            .values_list("id", "unit_id", "is_leader", "current_level")
        )
        for cadre_id, unit_id, is_leader, level in rows:
            if is_leader and level == HEAD_LEVEL:
                continue
            if unit_id in self._staff:
                (self._deputies if is_leader else self._staff)[unit_id].append(cadre_id)
            else:
                self._dept_pool.append(cadre_id)
        for pool in [*self._staff.values(), *self._deputies.values(), self._dept_pool]:
            rng.shuffle(pool)
        plans: list[Assignment] = []
        for village in villages:
            plans.extend(self._plan_village(village))
        with transaction.atomic():
            created = Assignment.objects.bulk_create(plans, batch_size=CHUNK)
        self.rows += len(created)
        self.counts["assignments"] = len(created)
        return created

    def _township_cadre(self, township_id: int, avoid: Sequence[int]) -> int | None:
        """A staff member (sometimes a deputy) of the township not yet stationed anywhere; when the
        township has run out, one already stationed elsewhere (linked to a second village)."""
        rng = self.rng
        staff, deputies = self._staff[township_id], self._deputies[township_id]
        if staff and (not deputies or rng.random() < 0.85):
            chosen = staff.pop()
        elif deputies:
            chosen = deputies.pop()
        else:
            candidates = [c for c in self._used[township_id] if c not in avoid]
            if not candidates:
                return None
            chosen = rng.choice(candidates)
        self._used[township_id].append(chosen)
        return chosen

    def _department_cadre(self, avoid: Sequence[int]) -> int | None:
        if self._dept_pool:
            chosen = self._dept_pool.pop()
        else:
            candidates = [c for c in self._used_dept if c not in avoid]
            if not candidates:
                return None
            chosen = self.rng.choice(candidates)
        self._used_dept.append(chosen)
        return chosen

    def _plan_village(self, village: Unit) -> list[Assignment]:
        rng = self.rng
        township = village.parent
        assert township is not None
        plans: list[Assignment] = []
        in_village: list[int] = []

        def add(cadre_id: int | None, role: str, start: date, end: date | None, duties: str = "") -> None:
            if cadre_id is None:
                return
            in_village.append(cadre_id)
            document = ""
            if role == AssignmentRole.FIRST_SECRETARY:
                document = f"青组通〔{start.year}〕{rng.randint(1, 60)}号"
            elif rng.random() < 0.7:
                document = f"{township.name}委发〔{start.year}〕{rng.randint(1, 90)}号"
            plans.append(
                Assignment(
                    cadre_id=cadre_id,
                    village_id=village.pk,
                    role=role,
                    started_on=start,
                    ended_on=end,
                    duties=duties,
                    document_number=document,
                )
            )

        # the current 驻村干部: ~23% there for more than three years (the rotation alert), ~12%
        # arrived in the last year (after a predecessor), the rest between one and three years
        r = rng.random()
        if r < 0.23:
            start = self._days_ago(3 * 365 + 20, 6 * 365)
            has_predecessor = rng.random() < 0.15
        elif r < 0.35:
            start = self._days_ago(45, 300)
            has_predecessor = True
        else:
            start = self._days_ago(365, 3 * 365 - 20)
            has_predecessor = rng.random() < 0.35
        add(
            self._township_cadre(township.pk, in_village),
            AssignmentRole.STATIONED,
            start,
            None,
            rng.choice(STATIONED_DUTIES),
        )
        if has_predecessor:  # history: the stay ended the day before the current one began
            add(
                self._township_cadre(township.pk, in_village),
                AssignmentRole.STATIONED,
                start - timedelta(days=rng.randint(365, 4 * 365)),
                start - timedelta(days=1),
            )
        # a 工作队员 in ~20% of villages (a few of them have already left)
        if rng.random() < 0.20:
            member_start = start + timedelta(days=rng.randint(0, max(0, (TODAY - start).days - 60)))
            member_end = None
            if rng.random() < 0.15 and (TODAY - member_start).days > 200:
                member_end = member_start + timedelta(days=rng.randint(180, (TODAY - member_start).days - 10))
            add(
                self._township_cadre(township.pk, in_village),
                AssignmentRole.TEAM_MEMBER,
                member_start,
                member_end,
                rng.choice(TEAM_MEMBER_DUTIES),
            )
        # a 驻村第一书记 from a county department in ~25% of villages (some after a predecessor whose
        # term ended the day before), a finished term only in another ~10%: terms never overlap
        r = rng.random()
        if r < 0.25:
            fs_start = self._days_ago(60, 3 * 365 - 30)
            add(
                self._department_cadre(in_village),
                AssignmentRole.FIRST_SECRETARY,
                fs_start,
                None,
                rng.choice(FIRST_SECRETARY_DUTIES),
            )
            if rng.random() < 0.4:
                add(
                    self._department_cadre(in_village),
                    AssignmentRole.FIRST_SECRETARY,
                    fs_start - timedelta(days=rng.randint(600, 1100)),
                    fs_start - timedelta(days=1),
                    rng.choice(FIRST_SECRETARY_DUTIES),
                )
        elif r < 0.35:
            fs_end = self._days_ago(30, 500)
            add(
                self._department_cadre(in_village),
                AssignmentRole.FIRST_SECRETARY,
                fs_end - timedelta(days=rng.randint(600, 1100)),
                fs_end,
                rng.choice(FIRST_SECRETARY_DUTIES),
            )
        return plans

    # ---- logs, visits, requests ----------------------------------------------------------------
    def _workday(self, day: date) -> bool:
        known = self._workdays.get(day)
        if known is None:
            known = self._workdays[day] = _is_workday(day)
        return known

    def _profile(self, profiles: dict[int, _Profile], cadre_id: int) -> _Profile:
        profile = profiles.get(cadre_id)
        if profile is None:
            diligence = self.rng.uniform(0.55, 1.25)
            coverage = min(1.0, 0.42 + 0.45 * diligence + self.rng.uniform(-0.06, 0.06))
            profile = profiles[cadre_id] = _Profile(logs_per_week=3.0 * diligence, coverage=coverage)
        return profile

    def _log_days(self, profile: _Profile, first: date, last: date) -> list[tuple[date, str]]:
        """Working days with a log and the kind of each: ~2–4 a week, varying by cadre and week."""
        rng = self.rng
        days: list[tuple[date, str]] = []
        monday = first - timedelta(days=first.weekday())
        while monday <= last:
            week = [
                monday + timedelta(days=i)
                for i in range(7)
                if first <= monday + timedelta(days=i) <= last and self._workday(monday + timedelta(days=i))
            ]
            n = max(0, min(len(week), 5, round(rng.gauss(profile.logs_per_week, 0.9))))
            for day in sorted(rng.sample(week, n)):
                days.append((day, weighted(rng, LOG_KINDS)))
            monday += timedelta(days=7)
        return days

    def _visit_plan(
        self, profile: _Profile, village: _Village, days: list[tuple[date, str]], first: date, last: date
    ) -> list[list[Household]]:
        """The households of each visit log. Per calendar year the cadre works through the village
        group by group, preferring households not yet visited that year, until they have reached
        their share of it; the rest of each day's visits are return visits (脱贫户/监测户 first)."""
        rng = self.rng
        plan: list[list[Household]] = [[] for _ in days]
        households = village.households
        if not households:
            return plan
        for year in range(first.year, last.year + 1):
            indices = [i for i, (day, kind) in enumerate(days) if day.year == year and kind == LogKind.VISIT]
            if not indices:
                continue
            active = (min(last, date(year, 12, 31)) - max(first, date(year, 1, 1))).days + 1
            target = min(len(households), round(profile.coverage * len(households) * min(1.0, active / 300)))
            groups = list(village.groups)
            rng.shuffle(groups)
            order: list[Household] = []
            for group in groups:
                members = [h for h in households if h.group_name == group]
                rng.shuffle(members)
                order.extend(members)
            pointer = 0
            visited: list[Household] = []
            special: list[Household] = []
            for position, index in enumerate(indices):
                expected = (target - pointer) / (len(indices) - position)
                fresh = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
                fresh = max(0, min(fresh, 15, len(order) - pointer))
                if fresh == 0 and not visited:
                    fresh = min(1, len(order) - pointer)
                wanted = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6])
                chosen = order[pointer : pointer + fresh]
                pointer += fresh
                again: list[Household] = []
                for _ in range(max(0, wanted - fresh)):
                    if not visited:
                        break
                    source = special if special and rng.random() < 0.5 else visited
                    pick = rng.choice(source)
                    if pick not in again:
                        again.append(pick)
                for household in chosen:
                    visited.append(household)
                    if household.category in SPECIAL_CATEGORIES:
                        special.append(household)
                plan[index] = chosen + again
        return plan

    def _content(self, kind: str, village: _Village, households: list[Household]) -> str:
        rng = self.rng
        template = rng.choice(LOG_TEMPLATES[kind])
        if households:
            names = "、".join(h.head_name for h in households[:3])
            group = households[0].group_name
        else:
            names, group = "", rng.choice(village.groups) if village.groups else ""
        return template.format(
            group=group,
            names=names,
            n=len(households),
            k=rng.randint(2, 12),
            policy=rng.choice(POLICIES),
            issue=rng.choice(ISSUES),
            dispute=rng.choice(DISPUTES),
            project=rng.choice(PROJECTS),
            crop=rng.choice(CROPS),
        )

    def _request(
        self, log: WorkLog, village: _Village, household: Household | None, cadre_id: int
    ) -> VillagerRequest:
        rng = self.rng
        category = weighted(rng, REQUEST_CATEGORIES)
        group = household.group_name if household else (rng.choice(village.groups) if village.groups else "")
        template, outcome = rng.choice(REQUEST_TEMPLATES[category])
        description = template.format(
            group=group, crop=rng.choice(CROPS), dispute=rng.choice(DISPUTES), policy=rng.choice(POLICIES)
        )
        raised = log.logged_on
        due = raised + timedelta(days=REQUEST_DUE_DAYS)
        age = (TODAY - raised).days
        # (accepted, in progress, escalated, resolved): older requests are mostly closed, a few
        # stay open past their due date (overdue), recent ones are mostly still being handled
        if age > 60:
            weights = [0.3, 0.7, 0.5, 98.5]
        elif age > REQUEST_DUE_DAYS:
            weights = [2.0, 6.0, 3.0, 89.0]
        else:
            weights = [30.0, 40.0, 5.0, 25.0]
        status = rng.choices(
            [
                RequestStatus.ACCEPTED,
                RequestStatus.IN_PROGRESS,
                RequestStatus.ESCALATED,
                RequestStatus.RESOLVED,
            ],
            weights=weights,
        )[0]
        if age < 1 and status != RequestStatus.ACCEPTED:
            status = RequestStatus.ACCEPTED  # raised today: nothing done yet
        escalated_on = resolved_on = None
        resolution = ""
        if status == RequestStatus.ESCALATED:
            escalated_on = raised + timedelta(days=rng.randint(1, min(age, 10)))
        elif status == RequestStatus.RESOLVED:
            took = rng.choices(
                [rng.randint(1, 7), rng.randint(8, 15), rng.randint(16, 30)], weights=[55, 33, 12]
            )[0]
            if rng.random() < 0.08 and age >= 3:  # escalated first, resolved by the township
                escalated_on = raised + timedelta(days=rng.randint(1, min(age - 1, 8)))
                took = max(took, (escalated_on - raised).days + 1)
            resolved_on = min(TODAY, raised + timedelta(days=took))
            resolution = outcome
        return VillagerRequest(
            village_id=village.unit.pk,
            household_id=household.pk if household else None,
            cadre_id=cadre_id,
            category=category,
            description=description,
            raised_on=raised,
            due_on=due,
            status=status,
            resolution=resolution,
            resolved_on=resolved_on,
            escalated_on=escalated_on,
        )

    def build_logs(self, assignments: list[Assignment], by_village: dict[int, _Village]) -> None:
        rng = self.rng
        profiles: dict[int, _Profile] = {}
        pending: list[_PendingLog] = []
        self.counts.update(logs=0, visits=0, requests=0)
        for assignment in assignments:
            first = max(assignment.started_on, LOG_WINDOW_START)
            last = min(assignment.ended_on or TODAY, TODAY)
            if last < first:
                continue
            village = by_village[assignment.village_id]
            profile = self._profile(profiles, assignment.cadre_id)
            days = self._log_days(profile, first, last)
            plan = self._visit_plan(profile, village, days, first, last)
            for (day, kind), visited in zip(days, plan, strict=True):
                if kind == LogKind.VISIT and not visited:
                    kind = LogKind.CLINIC  # an empty register: nothing to visit
                log = WorkLog(
                    cadre_id=assignment.cadre_id,
                    village_id=village.unit.pk,
                    assignment_id=assignment.pk,
                    logged_on=day,
                    kind=kind,
                    content=self._content(kind, village, visited),
                )
                request = None
                if visited and rng.random() < 1 / 6:
                    request = self._request(log, village, rng.choice(visited), assignment.cadre_id)
                elif kind == LogKind.CLINIC and rng.random() < 1 / 8:
                    walk_in = rng.choice(village.households) if village.households else None
                    request = self._request(log, village, walk_in, assignment.cadre_id)
                pending.append(_PendingLog(log, [h.pk for h in visited], request))
            if len(pending) >= CHUNK:
                self._insert_logs(pending)
                pending = []
        self._insert_logs(pending)

    def _insert_logs(self, pending: list[_PendingLog]) -> None:
        if not pending:
            return
        with transaction.atomic():
            logs = WorkLog.objects.bulk_create([p.log for p in pending], batch_size=CHUNK)
            visits: list[Visit] = []
            requests: list[VillagerRequest] = []
            for log, item in zip(logs, pending, strict=True):
                for household_id in item.household_ids:
                    visits.append(
                        Visit(
                            log_id=log.pk,
                            household_id=household_id,
                            village_id=log.village_id,
                            cadre_id=log.cadre_id,
                            visited_on=log.logged_on,
                        )
                    )
                if item.request is not None:
                    item.request.source_log_id = log.pk
                    requests.append(item.request)
            Visit.objects.bulk_create(visits, batch_size=CHUNK)
            VillagerRequest.objects.bulk_create(requests, batch_size=CHUNK)
        reset_queries()
        self.counts["logs"] += len(logs)
        self.counts["visits"] += len(visits)
        self.counts["requests"] += len(requests)
        self.rows += len(logs) + len(visits) + len(requests)


def seed_villagework(
    *, seed: int, progress: Callable[[str], None] | None = None, townships: Sequence[str] | None = None
) -> int:
    """Add the 驻村 data to the seeded demo county (or only to the townships with the given codes);
    returns the number of rows written."""
    return VillageWorkDemo(seed=seed, progress=progress, townships=townships).run()


# --------------------------------------------------------------------------------------------------
# Demo logins (make run): a 驻村干部 for the phone pages and a township clerk
# --------------------------------------------------------------------------------------------------

DEMO_TOWNSHIP = "青山镇"
DEMO_VILLAGE_CADRE = "zhucun"
DEMO_TOWNSHIP_CLERK = "qingshan"


@dataclass
class DemoLogin:
    username: str
    label: str
    password: str | None  # None: the account existed before and its password was not stored here
    note: str = ""


def _password_file(var_dir: Path, username: str) -> Path:
    return var_dir / f"{username}_password.txt"  # like the administrator's (org ensure_admin)


def _store_password(var_dir: Path, username: str, password: str) -> None:
    write_private_file(_password_file(var_dir, username), password)


def _existing(var_dir: Path, username: str, label: str, note: str) -> DemoLogin:
    return DemoLogin(username, label, read_private_file(_password_file(var_dir, username)), note)


def demo_station(township: Unit) -> Assignment | None:
    """The current 驻村干部 assignment of the township's first village (by code) that has one."""
    return (
        Assignment.objects.filter(
            village__parent=township,
            role=AssignmentRole.STATIONED,
            ended_on__isnull=True,
            started_on__lte=TODAY,
        )
        .select_related("cadre", "village")
        .order_by("village__code", "started_on", "id")
        .first()
    )


def demo_accounts_ensure(*, var_dir: Path) -> tuple[list[DemoLogin], list[str]]:
    """Create the demo logins if missing: `zhucun` (驻村干部, linked to the cadre stationed in the
    first village of 青山镇) and `qingshan` (乡镇, 青山镇). Passwords are generated once and kept in
    var/<username>_password.txt (mode 600). Returns the logins and notes on what was skipped; does
    nothing when the demo county does not exist."""
    from ganbu.cadres.services import cadre_link_account
    from ganbu.org.services import user_create

    township = Unit.objects.filter(parent__code=COUNTY_CODE, name=DEMO_TOWNSHIP).first()
    if township is None:
        return [], ["数据库中没有示范县（请先运行 seed_demo），未创建示范账号。"]
    logins: list[DemoLogin] = []
    notes: list[str] = []

    station = demo_station(township)
    if User.objects.filter(username=DEMO_VILLAGE_CADRE).exists():
        linked = Cadre.objects.filter(account__username=DEMO_VILLAGE_CADRE).first()
        note = "未关联干部"
        if linked is not None:
            stay = (
                Assignment.objects.filter(cadre=linked, ended_on__isnull=True)
                .select_related("village")
                .order_by("village__code")
                .first()
            )
            note = f"{linked.name}，{stay.village.name}" if stay else linked.name
        logins.append(_existing(var_dir, DEMO_VILLAGE_CADRE, "驻村干部", note))
    elif station is None:
        notes.append(f"{DEMO_TOWNSHIP}没有在驻的驻村干部（示范数据未生成干部？），未创建驻村干部账号。")
    elif station.cadre.account_id is not None:
        notes.append(f"干部 {station.cadre.name} 已关联其他账号，未创建驻村干部账号。")
    else:
        with transaction.atomic():
            user, password = user_create(
                username=DEMO_VILLAGE_CADRE,
                role=Role.VILLAGE_CADRE,
                scope_unit=township,
                display_name=station.cadre.name,
                actor=None,
            )
            cadre_link_account(cadre=station.cadre, user=user, actor=None)
            _store_password(var_dir, DEMO_VILLAGE_CADRE, password)
        logins.append(
            DemoLogin(
                DEMO_VILLAGE_CADRE, "驻村干部", password, f"{station.cadre.name}，{station.village.name}"
            )
        )

    if User.objects.filter(username=DEMO_TOWNSHIP_CLERK).exists():
        logins.append(_existing(var_dir, DEMO_TOWNSHIP_CLERK, "乡镇", DEMO_TOWNSHIP))
    else:
        with transaction.atomic():
            _, password = user_create(
                username=DEMO_TOWNSHIP_CLERK,
                role=Role.TOWNSHIP,
                scope_unit=township,
                display_name=f"{DEMO_TOWNSHIP}组织委员",
                actor=None,
            )
            _store_password(var_dir, DEMO_TOWNSHIP_CLERK, password)
        logins.append(DemoLogin(DEMO_TOWNSHIP_CLERK, "乡镇", password, DEMO_TOWNSHIP))
    return logins, notes
