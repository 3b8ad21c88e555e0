"""The tables of 综合考核 - schemes as versioned data, cycles (考核年度) with their categories and
participating units, the 目标责任书 items, the figures each indicator is scored on, and the
computations with their results.

A scheme's indicator tree is the JSON of the engine's contract (README.md), validated by
`rules.parse_scheme` whenever it is written; once a cycle using it has started scoring the scheme is
frozen, and a change means a new version (a copy). The figures are stored in the shape the engine
reads (`services.cycle_inputs` gathers them), so a computation is `engine.compute(scheme, inputs)`
and its whole output is kept: a correction after sealing adds a computation, the old one stays.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from ganbu.core.models import TimeStampedModel
from ganbu.core.rulesettings import OverridesRow


class Scheme(TimeStampedModel):
    name = models.CharField("方案名称", max_length=100)
    year = models.PositiveSmallIntegerField("考核年度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    based_on = models.ForeignKey(
        "self", verbose_name="复制自", on_delete=models.PROTECT, null=True, blank=True, related_name="copies"
    )
    definition = models.JSONField("指标体系", default=dict)
    frozen_at = models.DateTimeField("锁定时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year", "name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="scheme_name_version_unique")]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None


class CycleStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    OPEN = "open", "考核中"
    SEALED = "sealed", "已封存"


class Cycle(TimeStampedModel):
    """A 考核年度 - its categories (Track), each scored on one scheme version, and their units."""

    year = models.PositiveSmallIntegerField("考核年度")
    name = models.CharField("名称", max_length=100)
    status = models.CharField("状态", max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    opened_at = models.DateTimeField("开始考核时间", null=True, blank=True)
    sealed_at = models.DateTimeField("封存时间", null=True, blank=True)
    seal_digest = models.CharField("封存摘要", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, null=True, related_name="+"
    )

    # guards live in services (they read the tracks); the table lists the moves
    TRANSITIONS = {
        CycleStatus.DRAFT: {CycleStatus.OPEN: None},
        CycleStatus.OPEN: {CycleStatus.SEALED: None},
    }

    class Meta:
        verbose_name = "考核年度"
        verbose_name_plural = "考核年度"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name


class Track(models.Model):
    """One category of units in a cycle (山区乡镇, 中心镇, 党群部门 …), ranked together on one scheme."""

    cycle = models.ForeignKey(Cycle, verbose_name="考核年度", on_delete=models.CASCADE, related_name="tracks")
    category = models.CharField("类别", max_length=32)
    scheme = models.ForeignKey(
        Scheme, verbose_name="考核方案", on_delete=models.PROTECT, related_name="tracks"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核类别"
        verbose_name_plural = "考核类别"
        ordering = ["cycle", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "category"], name="track_category_unique")]

    def __str__(self) -> str:
        return self.category


class TargetStatus(models.TextChoices):
    OPEN = "open", "待申报"
    DECLARED = "declared", "已申报，待审核"
    SIGNED = "signed", "已签订"


class Participant(models.Model):
    """A unit assessed in a cycle, with its 目标责任书's state and its 难度系数."""

    cycle = models.ForeignKey(
        Cycle, verbose_name="考核年度", on_delete=models.CASCADE, related_name="participants"
    )
    track = models.ForeignKey(
        Track, verbose_name="考核类别", on_delete=models.CASCADE, related_name="participants"
    )
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    difficulty = models.JSONField("难度系数", default=dict, blank=True)  # leaf code → "1.1"
    target_status = models.CharField(
        "目标责任书", max_length=10, choices=TargetStatus.choices, default=TargetStatus.OPEN
    )
    declared_at = models.DateTimeField("申报时间", null=True, blank=True)
    signed_at = models.DateTimeField("签订时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签订人", on_delete=models.PROTECT, null=True, related_name="+"
    )

    TRANSITIONS = {
        TargetStatus.OPEN: {TargetStatus.DECLARED: None},
        TargetStatus.DECLARED: {TargetStatus.SIGNED: None, TargetStatus.OPEN: None},
    }

    class Meta:
        verbose_name = "参加考核单位"
        verbose_name_plural = "参加考核单位"
        ordering = ["track__sort_order", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="participant_unit_unique")]

    def __str__(self) -> str:
        return self.unit.name


class Target(models.Model):
    """One item of a 目标责任书 - a `completion` leaf's target, as the unit declared it and as the
    county set it (both kept), and the verified actual value its leading group entered."""

    participant = models.ForeignKey(
        Participant, verbose_name="单位", on_delete=models.CASCADE, related_name="targets"
    )
    leaf = models.CharField("指标代码", max_length=32)
    declared = models.DecimalField("申报目标值", max_digits=18, decimal_places=4, null=True, blank=True)
    adjusted = models.DecimalField("审定目标值", max_digits=18, decimal_places=4, null=True, blank=True)
    adjust_reason = models.CharField("调整理由", max_length=200, blank=True)
    progress = models.CharField("进展情况", max_length=500, blank=True)
    actual = models.DecimalField("核定完成值", max_digits=18, decimal_places=4, null=True, blank=True)
    actual_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="核定人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    actual_at = models.DateTimeField("核定时间", null=True, blank=True)

    class Meta:
        verbose_name = "目标责任书事项"
        verbose_name_plural = "目标责任书事项"
        ordering = ["participant", "id"]
        constraints = [models.UniqueConstraint(fields=["participant", "leaf"], name="target_leaf_unique")]

    def __str__(self) -> str:
        return f"{self.participant_id}:{self.leaf}"

    @property
    def target(self) -> Decimal | None:
        """The target the score uses: the county's when it adjusted one, else the declared one."""
        return self.adjusted if self.adjusted is not None else self.declared


class ProgressFile(models.Model):
    """An attachment of a unit's progress report on a target (a document, a photo, a table)."""

    target = models.ForeignKey(
        Target, verbose_name="目标事项", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("文件", upload_to="assessment/")
    name = models.CharField("文件名", max_length=150)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("校验码", max_length=64)
    content_type = models.CharField("类型", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "进展附件"
        verbose_name_plural = "进展附件"
        ordering = ["target", "id"]

    def __str__(self) -> str:
        return self.name


class Figure(models.Model):
    """The value one unit is scored on for one leaf that is not a target nor an event: a number
    (与最高值比, 名次线性, 区间分档), points with a note (评定), or the counts of a sealed 民主测评
    (ballot session + the subject's label; read through the ballots engine at computation)."""

    participant = models.ForeignKey(
        Participant, verbose_name="单位", on_delete=models.CASCADE, related_name="figures"
    )
    leaf = models.CharField("指标代码", max_length=32)
    value = models.DecimalField("数值", max_digits=18, decimal_places=4, null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    ballot_session = models.ForeignKey(
        "ballots.BallotSession",
        verbose_name="测评投票",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ballot_subject = models.CharField("测评对象", max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = "考核数据"
        verbose_name_plural = "考核数据"
        constraints = [
            models.UniqueConstraint(fields=["participant", "leaf"], name="figure_leaf_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(ballot_session__isnull=False),
                name="figure_has_value_or_ballot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}:{self.leaf}"


class Incident(models.Model):
    """An event of a 扣分, 加分 or 一票否决 leaf (「审计发现……扣 5 分」, 「省级先进」, 「较大安全事故」)."""

    participant = models.ForeignKey(
        Participant, verbose_name="单位", on_delete=models.CASCADE, related_name="incidents"
    )
    leaf = models.CharField("指标代码", max_length=32)
    happened_on = models.DateField("日期")
    reason = models.CharField("事由", max_length=300)
    points = models.DecimalField("分值", max_digits=8, decimal_places=2, null=True, blank=True)
    level = models.CharField("级别", max_length=20, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "加减分事项"
        verbose_name_plural = "加减分事项"
        ordering = ["participant", "leaf", "happened_on", "id"]

    def __str__(self) -> str:
        return self.reason


class Ranking(models.Model):
    """One county leader's rank of one unit for a 名次递减 leaf (领导评价, entered per rater)."""

    track = models.ForeignKey(
        Track, verbose_name="考核类别", on_delete=models.CASCADE, related_name="rankings"
    )
    leaf = models.CharField("指标代码", max_length=32)
    rater = models.CharField("评价人", max_length=50)
    participant = models.ForeignKey(
        Participant, verbose_name="单位", on_delete=models.CASCADE, related_name="rankings"
    )
    rank = models.PositiveSmallIntegerField("名次")

    class Meta:
        verbose_name = "领导评价名次"
        verbose_name_plural = "领导评价名次"
        ordering = ["track", "leaf", "rater", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["track", "leaf", "rater", "participant"], name="ranking_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rater}:{self.rank}"


class Computation(models.Model):
    """One run of the engine over a category: its inputs and its whole output, kept. The newest is
    current; after sealing a new one needs a reason (更正) and the sealed one stays visible."""

    cycle = models.ForeignKey(
        Cycle, verbose_name="考核年度", on_delete=models.CASCADE, related_name="computations"
    )
    track = models.ForeignKey(
        Track, verbose_name="考核类别", on_delete=models.CASCADE, related_name="computations"
    )
    inputs = models.JSONField("计算依据")
    output = models.JSONField("计算结果")
    digest = models.CharField("结果摘要", max_length=64)
    reason = models.CharField("更正理由", max_length=300, blank=True)
    sealed = models.BooleanField("已封存", default=False)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="计算人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)

    class Meta:
        verbose_name = "计分结果"
        verbose_name_plural = "计分结果"
        ordering = ["track", "-id"]

    def __str__(self) -> str:
        return f"{self.track_id}:{self.digest[:12]}"


class Result(models.Model):
    """One unit's line of a computation (for lists, trends and other apps' selectors)."""

    computation = models.ForeignKey(
        Computation, verbose_name="计分结果", on_delete=models.CASCADE, related_name="results"
    )
    participant = models.ForeignKey(
        Participant, verbose_name="单位", on_delete=models.CASCADE, related_name="results"
    )
    total = models.DecimalField("总分", max_digits=10, decimal_places=2)
    bonus = models.DecimalField("加分", max_digits=10, decimal_places=2)
    rank = models.PositiveSmallIntegerField("名次")
    grade = models.CharField("等次", max_length=20, blank=True)
    vetoed = models.BooleanField("一票否决", default=False)

    class Meta:
        verbose_name = "单位考核结果"
        verbose_name_plural = "单位考核结果"
        ordering = ["computation", "rank", "id"]

    def __str__(self) -> str:
        return f"{self.participant_id}:{self.total}"


# --- 平时考核 and 年度考核 of cadres (issue 15) ------------------------------------------------------


class QuarterGrade(models.Model):
    """平时考核 - a cadre's grade for a quarter, entered by the unit (or derived from a score)."""

    GRADES = [("好", "好"), ("较好", "较好"), ("一般", "一般"), ("较差", "较差")]

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    grade = models.CharField("等次", max_length=4, choices=GRADES)
    score = models.DecimalField("得分", max_digits=5, decimal_places=2, null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = "平时考核"
        verbose_name_plural = "平时考核"
        ordering = ["unit", "year", "quarter", "cadre"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year", "quarter"], name="quarter_grade_unique"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_in_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.grade}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "单位填报中"
    PROPOSED = "proposed", "单位已提出，待主管审核"
    CONFIRMED = "confirmed", "主管已审核，待组织部审批"
    APPROVED = "approved", "组织部已审批，待公示"
    PUBLICITY = "publicity", "公示中"
    FINAL = "final", "已确定"


class ReviewKind(models.TextChoices):
    ANNUAL = "annual", "年度考核"
    MIDTERM = "midterm", "届中考核"
    ENDTERM = "endterm", "届末考核"


class AnnualReview(TimeStampedModel):
    """年度考核 of one unit for one year — or the 届中或届末考核 of its leading team over a term (seed
    003: 「以平时考核、年度考核为基础，以届中、届末考核为重点」): its participants, their proposed and
    final grades, the quota applied, and the steps unit → 主管 → 组织部 → 公示 → final."""

    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("考核类别", max_length=8, choices=ReviewKind.choices, default=ReviewKind.ANNUAL)
    term_start = models.PositiveSmallIntegerField("任期起始年度", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    pools = models.CharField(
        "优秀名额",
        max_length=14,
        choices=[("single", "全单位统一计算"), ("leaders_staff", "领导干部和一般工作人员分别计算")],
        default="single",
    )
    cap_approved = models.BooleanField("经批准优秀比例提高到 25%", default=False)
    result = models.JSONField("计算结果", default=dict, blank=True)
    publicity_start = models.DateField("公示开始", null=True, blank=True)
    publicity_end = models.DateField("公示结束", null=True, blank=True)
    ballot_session = models.ForeignKey(
        "ballots.BallotSession",
        verbose_name="民主测评",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, null=True, related_name="+"
    )

    TRANSITIONS = {
        ReviewStatus.DRAFT: {ReviewStatus.PROPOSED: None},
        ReviewStatus.PROPOSED: {ReviewStatus.CONFIRMED: None, ReviewStatus.DRAFT: None},
        ReviewStatus.CONFIRMED: {ReviewStatus.APPROVED: None, ReviewStatus.DRAFT: None},
        ReviewStatus.APPROVED: {ReviewStatus.PUBLICITY: None},
        ReviewStatus.PUBLICITY: {ReviewStatus.FINAL: None},
    }

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["-year", "unit__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "kind"], name="annual_review_unique"),
            models.CheckConstraint(
                condition=Q(kind="annual") | Q(term_start__isnull=False), name="term_review_has_term"
            ),
        ]

    @property
    def is_term(self) -> bool:
        return self.kind != ReviewKind.ANNUAL

    @property
    def period(self) -> str:
        """「2026年度」, or the term 「2022—2026年」 of a 届中或届末考核."""
        return f"{self.term_start}—{self.year}年" if self.is_term else f"{self.year}年度"

    def __str__(self) -> str:
        if self.is_term:
            return f"{self.unit.name}领导班子{self.period}{self.get_kind_display()}"
        return f"{self.unit.name}{self.year}年度考核"


class AnnualEntry(models.Model):
    review = models.ForeignKey(
        AnnualReview, verbose_name="年度考核", on_delete=models.CASCADE, related_name="entries"
    )
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("类别", max_length=6, choices=[("leader", "领导干部"), ("staff", "一般工作人员")])
    proposed = models.CharField("拟定等次", max_length=6, blank=True)
    unfit_reason = models.CharField("不胜任票达线仍定称职以上的理由", max_length=300, blank=True)
    final = models.CharField("确定等次", max_length=6, blank=True)
    report = models.FileField("述职报告", upload_to="assessment/reports/", blank=True)
    report_name = models.CharField("述职报告文件名", max_length=150, blank=True)

    class Meta:
        verbose_name = "年度考核人员"
        verbose_name_plural = "年度考核人员"
        ordering = ["review", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "cadre"], name="annual_entry_unique")]

    def __str__(self) -> str:
        return f"{self.review_id}:{self.cadre_id}"


class ConsequenceProposal(models.Model):
    """A consequence the rules propose (嘉奖, 记三等功, 不得晋升, 降职, 辞退, 提醒谈话): staff confirm or
    decline it, audited; a confirmed 嘉奖 or 三等功 is written into the cadre's 奖惩."""

    entry = models.ForeignKey(
        AnnualEntry, verbose_name="人员", on_delete=models.CASCADE, related_name="consequences"
    )
    code = models.CharField("类别", max_length=30)
    message = models.CharField("内容", max_length=300)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=[("pending", "待确认"), ("confirmed", "已确认"), ("declined", "不采纳")],
        default="pending",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "奖惩建议"
        verbose_name_plural = "奖惩建议"
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return self.message


class BottomEntry(models.Model):
    """末位 - a unit last in its category in two consecutive sealed 综合考核 years (or at 届中或届末),
    with the measure the county decides for its team (提醒谈话 / 诫勉 / 组织调整), audited."""

    MEASURES = [("提醒谈话", "提醒谈话"), ("诫勉", "诫勉"), ("组织调整", "组织调整")]

    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("类别", max_length=32)
    source = models.CharField(
        "依据",
        max_length=8,
        choices=[("annual", "年度综合考核"), ("midterm", "届中考核"), ("endterm", "届末考核")],
        default="annual",
    )
    reason = models.CharField("列入理由", max_length=300)
    measure = models.CharField("措施", max_length=10, choices=MEASURES, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "末位单位"
        verbose_name_plural = "末位单位"
        ordering = ["-year", "category", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "source"], name="bottom_entry_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id}"


class AssessmentSettings(OverridesRow):
    """The county's numbers of the 平时 and 年度考核 (grading/settings.py has the defaults and their
    sources). One row holding only the changed values; read with `conf.grading_settings()`, changed
    only by `services.settings.settings_update`."""

    class Meta:
        verbose_name = "年度考核设置"
        verbose_name_plural = "年度考核设置"

    def __str__(self) -> str:
        return "年度考核设置"
