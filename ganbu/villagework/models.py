"""驻村工作: households of a village, cadres stationed in villages, their work logs (the
驻村蹲点工作记录表), villagers' requests tracked to resolution, and the annual three-level evaluation.

Everything hangs off a village (an org.Unit of kind 村/社区), which is how scope is applied: a user
sees rows whose village is in their subtree; a 驻村干部 additionally only their own villages and logs
(see villagework.selectors).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ganbu.cadres.models import Cadre
from ganbu.core.conf import SettingsRow
from ganbu.core.models import TimeStampedModel
from ganbu.core.numbers import to_decimal
from ganbu.core.workflow import Transitions
from ganbu.org.models import Unit
from ganbu.villagework import rules

# --------------------------------------------------------------------------------------------------
# Settings (one row; defaults from seed 000 and DESIGN.md, named in rules.py; edited by the county)
# --------------------------------------------------------------------------------------------------


class VillageWorkSettings(SettingsRow):
    """The county's rules for 驻村 work. One row, read with `VillageWorkSettings.current()` (the
    defaults while none was saved; never written on read), changed only by
    `services.settings.settings_update`."""

    edit_window_days = models.PositiveSmallIntegerField(
        "本人可修改天数",
        default=rules.EDIT_WINDOW_DAYS,
        help_text="工作记录在记录日期后多少天内本人可修改；之后须经乡镇修改",
    )
    weekly_visit_quota = models.PositiveSmallIntegerField(
        "每周走访户数要求", default=rules.WEEKLY_VISIT_QUOTA, help_text="驻村干部每周应走访的农户户次"
    )
    rotation_years = models.PositiveSmallIntegerField("轮岗提醒年限", default=rules.ROTATION_YEARS)
    request_due_days = models.PositiveSmallIntegerField(
        "诉求默认办理期限（天）", default=rules.REQUEST_DUE_DAYS
    )
    photo_max_kb = models.PositiveIntegerField("照片大小上限（KB）", default=rules.PHOTO_MAX_KB)
    photos_per_log = models.PositiveSmallIntegerField("每条记录照片数上限", default=rules.PHOTOS_PER_LOG)
    rater_groups = models.JSONField("评议层面及权重", default=rules.rater_groups)
    bundled_items = models.JSONField("捆绑考核项目及权重", default=rules.bundled_items)
    part_weights = models.JSONField("综合得分构成", default=rules.part_weights)
    grade_thresholds = models.JSONField("建议等次分数线", default=rules.grade_thresholds)

    class Meta:
        verbose_name = "驻村工作设置"
        verbose_name_plural = "驻村工作设置"

    def __str__(self) -> str:
        return "驻村工作设置"


# --------------------------------------------------------------------------------------------------
# Households
# --------------------------------------------------------------------------------------------------


class HouseholdCategory(models.TextChoices):
    GENERAL = "general", "一般户"
    LIFTED = "lifted", "脱贫户"
    MONITORED = "monitored", "监测户"
    DIBAO = "dibao", "低保户"
    WUBAO = "wubao", "五保户"


class Household(TimeStampedModel):
    """A household of the village register (农户花名册). Identified within the village by 户主 and
    村民小组; `is_active` False = moved out / merged (kept for the history of visits)."""

    village = models.ForeignKey(Unit, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    head_name = models.CharField("户主", max_length=50)
    group_name = models.CharField("村民小组", max_length=50, blank=True)
    # where the group sorts (rules.group_order: 一组 < 二组 < 十组), kept with the name by save()
    group_order = models.PositiveIntegerField("小组序号", default=rules.UNNUMBERED_GROUP, editable=False)
    members = models.PositiveSmallIntegerField("人口", default=1)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    category = models.CharField(
        "类别", max_length=10, choices=HouseholdCategory.choices, default=HouseholdCategory.GENERAL
    )
    address = models.CharField("住址", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    is_active = models.BooleanField("在册", default=True)
    # derived search keys (pypinyin), set by services
    head_pinyin = models.CharField("户主全拼", max_length=200, blank=True, editable=False)
    head_initials = models.CharField("户主首字母", max_length=50, blank=True, editable=False)

    class Meta:
        verbose_name = "农户"
        verbose_name_plural = "农户"
        ordering = ["village", "group_order", "group_name", "head_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "head_name", "group_name"], name="household_unique_in_village"
            ),
            models.CheckConstraint(condition=Q(members__gte=1), name="household_members_positive"),
        ]
        indexes = [
            models.Index(fields=["village", "is_active"], name="household_village_idx"),
            models.Index(fields=["village", "head_initials"], name="household_initials_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.group_name}{self.head_name}" if self.group_name else self.head_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keeps `group_order` with the group's name (bulk writes set it themselves)."""
        self.group_order = rules.group_order(self.group_name)
        fields = kwargs.get("update_fields")
        if fields is not None and "group_name" in fields:
            kwargs["update_fields"] = {*fields, "group_order"}
        super().save(*args, **kwargs)


# --------------------------------------------------------------------------------------------------
# Assignments
# --------------------------------------------------------------------------------------------------


class AssignmentRole(models.TextChoices):
    STATIONED = "stationed", "驻村干部"
    FIRST_SECRETARY = "first_secretary", "驻村第一书记"
    TEAM_MEMBER = "team_member", "工作队员"


# Seed 000: the duties of a stationed cadre («六大员»), shown on every assignment.
SIX_ROLES = [
    ("调查员", "当好农村实情的调查员"),
    ("宣传员", "当好党委政府政策的宣传员"),
    ("调解员", "当好农村矛盾的调解员"),
    ("办事员", "当好为农民谋利益的办事员"),
    ("监督员", "当好农村民主政治建设的监督员"),
    ("督导员", "当好村级组织建设的督导员"),
]
WORK_METHODS = [
    ("坐诊", "驻村工作日现场办公，协助村两委解疑释难、宣传政策、接待群众"),
    ("出诊", "每周走访规定户数的农户，每年走遍联系村的所有农户"),
    ("会诊", "召开村两委会共同商议，把群众反映的问题解决在基层"),
]


class Assignment(TimeStampedModel):
    """A cadre stationed in (or linked to) a village for a period. Open-ended while `ended_on` is
    empty; the end date is the last day of the stay."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="village_assignments"
    )
    village = models.ForeignKey(Unit, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        "驻村身份", max_length=20, choices=AssignmentRole.choices, default=AssignmentRole.STATIONED
    )
    started_on = models.DateField("驻村开始")
    ended_on = models.DateField("驻村结束", null=True, blank=True)
    duties = models.TextField("工作职责", blank=True, help_text="在「六大员」之外本村的具体任务")
    document_number = models.CharField("派驻文号", max_length=100, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "驻村安排"
        verbose_name_plural = "驻村安排"
        ordering = ["village", "-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="assignment_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "started_on"], name="assignment_cadre_idx")]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.village}"


# --------------------------------------------------------------------------------------------------
# Work logs (驻村蹲点工作记录表)
# --------------------------------------------------------------------------------------------------


class LogKind(models.TextChoices):
    CLINIC = "clinic", "坐诊"
    VISIT = "visit", "出诊走访"
    CONSULT = "consult", "会诊"
    POLICY = "policy", "政策宣传"
    MEDIATION = "mediation", "矛盾调解"
    PROJECT = "project", "项目推进"
    OTHER = "other", "其他"


class WorkLog(TimeStampedModel):
    """One entry of the 驻村蹲点工作记录表. `client_key` is the draft's id generated on the phone, so
    a submission retried after a dropped connection is stored once."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="village_logs"
    )
    village = models.ForeignKey(Unit, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        Assignment,
        verbose_name="驻村安排",
        on_delete=models.PROTECT,
        related_name="logs",
        null=True,
        blank=True,
    )
    logged_on = models.DateField("日期")
    kind = models.CharField("工作类型", max_length=12, choices=LogKind.choices)
    content = models.TextField("工作内容")
    households: models.ManyToManyField[Household, Visit] = models.ManyToManyField(
        Household, verbose_name="走访农户", through="Visit", related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+", null=True
    )
    client_key = models.CharField("草稿编号", max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "驻村工作记录"
        verbose_name_plural = "驻村工作记录"
        ordering = ["-logged_on", "-id"]
        indexes = [
            models.Index(fields=["cadre", "logged_on"], name="worklog_cadre_idx"),
            # the county's list, newest first (selectors.logs.log_list)
            models.Index(fields=["logged_on", "id"], name="worklog_date_idx"),
            models.Index(fields=["village", "logged_on"], name="worklog_village_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.logged_on} {self.get_kind_display()}"


class Visit(models.Model):
    """A household visited in a log (one per household per log). Denormalised village and date so
    coverage is one indexed query."""

    log = models.ForeignKey(WorkLog, on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits")
    village = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField()

    class Meta:
        verbose_name = "走访"
        verbose_name_plural = "走访"
        constraints = [models.UniqueConstraint(fields=["log", "household"], name="visit_once_per_log")]
        indexes = [
            models.Index(fields=["village", "visited_on", "household"], name="visit_village_idx"),
            models.Index(fields=["cadre", "visited_on"], name="visit_cadre_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.household_id}"


class LogPhoto(TimeStampedModel):
    log = models.ForeignKey(WorkLog, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to="villagework/")
    size = models.PositiveIntegerField("字节数")
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "记录照片"
        verbose_name_plural = "记录照片"
        ordering = ["id"]


# --------------------------------------------------------------------------------------------------
# Villagers' requests (群众诉求)
# --------------------------------------------------------------------------------------------------


class RequestCategory(models.TextChoices):
    PRODUCTION = "production", "生产发展"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    WELFARE = "welfare", "社会保障"
    DISPUTE = "dispute", "矛盾纠纷"
    POLICY = "policy", "政策咨询"
    ENVIRONMENT = "environment", "人居环境"
    OTHER = "other", "其他"


class RequestStatus(models.TextChoices):
    ACCEPTED = "accepted", "受理"
    IN_PROGRESS = "in_progress", "办理中"
    RESOLVED = "resolved", "已办结"
    ESCALATED = "escalated", "已上报乡镇"


OPEN_REQUEST_STATUSES = (RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS, RequestStatus.ESCALATED)


class VillagerRequest(TimeStampedModel):
    """A villager's request, followed until it is resolved. Its status moves only through
    `core.workflow.transition` along `TRANSITIONS` (services.requests.request_transition); who may
    make each move is `selectors.rights.REQUEST_MOVERS`. 已办结 is final: a new problem is a new
    request."""

    TRANSITIONS: ClassVar[Transitions] = {
        RequestStatus.ACCEPTED: {
            RequestStatus.IN_PROGRESS: None,
            RequestStatus.RESOLVED: None,
            RequestStatus.ESCALATED: None,
        },
        RequestStatus.IN_PROGRESS: {RequestStatus.RESOLVED: None, RequestStatus.ESCALATED: None},
        RequestStatus.ESCALATED: {RequestStatus.RESOLVED: None},
        RequestStatus.RESOLVED: {},
    }

    village = models.ForeignKey(Unit, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household,
        verbose_name="农户",
        on_delete=models.PROTECT,
        related_name="requests",
        null=True,
        blank=True,
    )
    source_log = models.ForeignKey(
        WorkLog,
        verbose_name="来源记录",
        on_delete=models.SET_NULL,
        related_name="requests",
        null=True,
        blank=True,
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="承办驻村干部", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    category = models.CharField("类别", max_length=20, choices=RequestCategory.choices)
    description = models.TextField("诉求内容")
    raised_on = models.DateField("提出日期")
    due_on = models.DateField("办理期限")
    status = models.CharField(
        "状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.ACCEPTED
    )
    resolution = models.TextField("办理结果", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    escalated_on = models.DateField("上报日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = "群众诉求"
        verbose_name_plural = "群众诉求"
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("raised_on")), name="request_due_after_raised"),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="request_resolved_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "status", "due_on"], name="request_village_idx"),
            models.Index(fields=["village", "raised_on"], name="request_raised_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.description[:20]}"


# --------------------------------------------------------------------------------------------------
# Annual evaluation (年度考核: 述职 + 三个层面无记名评议 + 捆绑考核 + 工作实绩)
# --------------------------------------------------------------------------------------------------


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "准备中"
    VOTING = "voting", "评议中"
    SCORED = "scored", "已计分"
    FINAL = "final", "已确定"


def _ballots_needed(evaluation: Evaluation) -> str | None:
    """Scoring straight from 准备中 (no session created) only when the ballot part weighs nothing."""
    weight = to_decimal(evaluation.part_weights.get("ballot", 0)) or 0
    return "尚未创建评议投票，不能计分" if weight > 0 else None


class Evaluation(TimeStampedModel):
    """A township's annual evaluation of its stationed cadres. The rules in force (rater groups,
    bundled items, part weights, grade thresholds) are copied from the settings when it is opened,
    so later edits to the settings do not change a past evaluation.

    The status moves only through `core.workflow.transition` along `TRANSITIONS`: creating the
    ballot sessions (准备中 → 评议中, and again while 评议中 for entries still without one),
    computing (→ 已计分, also again after scoring or finalizing), finalizing (已计分 → 已确定, and
    again to rewrite the records)."""

    TRANSITIONS: ClassVar[Transitions] = {
        EvaluationStatus.DRAFT: {EvaluationStatus.VOTING: None, EvaluationStatus.SCORED: _ballots_needed},
        EvaluationStatus.VOTING: {EvaluationStatus.VOTING: None, EvaluationStatus.SCORED: None},
        EvaluationStatus.SCORED: {EvaluationStatus.SCORED: None, EvaluationStatus.FINAL: None},
        EvaluationStatus.FINAL: {EvaluationStatus.SCORED: None, EvaluationStatus.FINAL: None},
    }

    township = models.ForeignKey(Unit, verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    rater_groups = models.JSONField("评议层面及权重")
    bundled_items = models.JSONField("捆绑考核项目及权重")
    part_weights = models.JSONField("综合得分构成")
    grade_thresholds = models.JSONField("建议等次分数线")
    weekly_visit_quota = models.PositiveSmallIntegerField("每周走访户数要求")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = "驻村干部年度考核"
        verbose_name_plural = "驻村干部年度考核"
        ordering = ["-year", "township"]
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="evaluation_one_per_year")]

    def __str__(self) -> str:
        return self.title


class EvaluationEntry(TimeStampedModel):
    """One stationed cadre in an evaluation: their ballot session, the bundled scores the township
    enters, the work numbers, and the combined score with its parts."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="考核", on_delete=models.CASCADE, related_name="entries"
    )
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Unit, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    ballot_session = models.OneToOneField(
        "ballots.BallotSession",
        verbose_name="评议投票",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    bundled_scores = models.JSONField("捆绑考核得分", default=dict, blank=True)  # {item name: "0".."100"}
    ballot_score = models.DecimalField("评议得分", max_digits=6, decimal_places=2, null=True, blank=True)
    bundled_score = models.DecimalField("捆绑考核得分", max_digits=6, decimal_places=2, null=True, blank=True)
    work_score = models.DecimalField("工作实绩得分", max_digits=6, decimal_places=2, null=True, blank=True)
    work_numbers = models.JSONField("工作实绩数据", default=dict, blank=True)
    total_score = models.DecimalField("综合得分", max_digits=6, decimal_places=2, null=True, blank=True)
    suggested_grade = models.CharField("建议等次", max_length=2, blank=True)
    final_grade = models.CharField("确定等次", max_length=2, blank=True)
    written_at = models.DateTimeField("写入档案时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核对象"
        verbose_name_plural = "考核对象"
        ordering = ["evaluation", "village", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "cadre", "village"], name="evaluation_entry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.cadre}"
