"""选拔任用 - a case per post to fill (一事一记), its candidates, its steps in the order of the
《党政领导干部选拔任用工作条例》 as typed rows (the timeline, 全程记实), the documents of each step,
and the complaints received during 任前公示.

The case's `stage` is its last recorded step; it moves only through `core.workflow.transition`
(`FIELD_TRANSITIONS["stage"]` lists the moves the order allows, skips included — a skip needs a recorded reason,
which the services demand). A closed or terminated case is read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ganbu.core.models import TimeStampedModel
from ganbu.core.rulesettings import OverridesRow


class Method(models.TextChoices):
    RECOMMEND = "民主推荐", "民主推荐"
    OPEN = "公开选拔", "公开选拔"
    COMPETE = "竞争上岗", "竞争上岗"
    APPOINT = "委任", "委任"
    ELECT = "选任", "选任"


class StepKind(models.TextChoices):
    MOTION = "动议", "动议"
    RECOMMEND = "民主推荐", "民主推荐"
    WRITTEN = "笔试", "笔试"  # 公开选拔, 竞争上岗
    INTERVIEW = "面试", "面试"
    SHORTLIST = "确定考察对象", "确定考察对象"
    NOTICE = "考察预告", "考察预告"
    INSPECT = "考察", "考察"
    DELIBERATE = "酝酿", "酝酿"
    CONSULT = "征求意见", "全委会征求意见"
    VOTE = "票决", "常委会票决"
    PUBLICITY = "任前公示", "任前公示"
    APPOINT = "任职", "任职"
    PROBATION = "试用期满", "试用期满考核"


# the order of the steps (the 条例's, as issue 16 lists them)
ORDER: tuple[str, ...] = tuple(StepKind.values)


class CaseStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已完成"
    ENDED = "ended", "已终止"


def _moves() -> dict[str, dict[str, None]]:
    """From each stage ("" before 动议) to any later step, and 民主推荐 to a second round: the
    services decide which skips the method allows and demand the reason."""
    table: dict[str, dict[str, None]] = {"": {StepKind.MOTION: None}}
    for i, kind in enumerate(ORDER):
        table[kind] = {later: None for later in ORDER[i + 1 :]}
    table[StepKind.RECOMMEND][StepKind.RECOMMEND] = None  # a second round (top share under 30 %)
    return table


class Case(TimeStampedModel):
    """一事一记 - the selection of the holders of one post."""

    title = models.CharField("名称", max_length=120)
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey("org.Post", verbose_name="拟任职位", on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveSmallIntegerField("拟选配人数", default=1)
    method = models.CharField("选拔方式", max_length=8, choices=Method.choices, default=Method.RECOMMEND)
    scope = models.TextField("人选范围", blank=True)
    conditions = models.TextField("任职条件", blank=True)
    over_quota_reason = models.CharField("超职数配备的批准理由", max_length=300, blank=True)
    consult_required = models.BooleanField("须征求全委会意见", default=False)
    # 资格条件 (rules/eligibility.py Requirements.as_dict); {} means the defaults
    requirements = models.JSONField("资格条件", default=dict, blank=True)
    status = models.CharField("状态", max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    stage = models.CharField("进展", max_length=8, choices=StepKind.choices, blank=True)
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="经办人", related_name="selection_cases", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    end_reason = models.CharField("终止理由", max_length=300, blank=True)

    TRANSITIONS = {CaseStatus.OPEN: {CaseStatus.CLOSED: None, CaseStatus.ENDED: None}}
    FIELD_TRANSITIONS = {"stage": _moves()}

    class Meta:
        verbose_name = "选拔任用"
        verbose_name_plural = "选拔任用"
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(seats__gte=1), name="case_seats_positive")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CandidateStatus(models.TextChoices):
    ACTIVE = "active", "在程序中"
    DROPPED = "dropped", "已终止"
    APPOINTED = "appointed", "已任职"


class Candidate(models.Model):
    """A person in the case: from the registry (`cadre`), or an applicant of a 公开选拔 who is not in
    it yet (name only)."""

    case = models.ForeignKey(
        Case, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="candidates"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="干部", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("姓名", max_length=50)
    status = models.CharField(
        "状态", max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.ACTIVE
    )
    dropped_at = models.CharField("终止于", max_length=8, blank=True)
    drop_reason = models.CharField("终止理由", max_length=300, blank=True)
    # 「两推」: among the leaders of the year-end recommendation (else a reason)
    two_recommendations = models.BooleanField("年终推荐与会议推荐一致", null=True, blank=True)
    # 「三点一线」: the views of 群众, 单位党组织 and 分管领导 (True agrees)
    masses = models.BooleanField("群众意见同意", null=True, blank=True)
    party_org = models.BooleanField("单位党组织同意", null=True, blank=True)
    leader = models.BooleanField("分管领导同意", null=True, blank=True)
    exception = models.CharField("资格条件例外及批准", max_length=300, blank=True)
    complaint_open = models.BooleanField("有未了结的信访举报", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "人选"
        verbose_name_plural = "人选"
        ordering = ["case", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "cadre"], condition=Q(cadre__isnull=False), name="candidate_once_per_case"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """One step of the case's timeline: its date, who recorded it, its figures (the shape of the
    compliance check's input, README.md), its decision, the reason of a skip or an exception, and
    the sealed ballot that decided it with the seal's hash."""

    case = models.ForeignKey(Case, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("环节", max_length=8, choices=StepKind.choices)
    day = models.DateField("日期")
    figures = models.JSONField("数据", default=dict, blank=True)
    decision = models.TextField("结论", blank=True)
    reason = models.CharField("说明（跳过环节或例外的理由）", max_length=300, blank=True)
    ballot_session = models.ForeignKey(
        "ballots.BallotSession",
        verbose_name="投票",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    seal_sha256 = models.CharField("封存校验码", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "环节"
        verbose_name_plural = "环节"
        ordering = ["case", "day", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.day:%Y-%m-%d}）"


class BallotPurpose(models.TextChoices):
    RECOMMEND = "推荐", "会议推荐"
    RATING = "测评", "考察民主测评"
    CONSULT = "征求意见", "全委会征求意见"
    VOTE = "票决", "常委会票决"
    YEAR_END = "年终推荐", "年终民主推荐"  # a sealed session of the ballot engine, linked for 「两推」


class CaseBallot(models.Model):
    """A vote of the case run by the ballot engine; the step of its purpose reads it once sealed
    (its counts, and the seal's hash into the timeline). Protects the session: the engine names
    this module as its owner and offers no edit."""

    case = models.ForeignKey(Case, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="ballots")
    purpose = models.CharField("用途", max_length=8, choices=BallotPurpose.choices)
    session = models.ForeignKey(
        "ballots.BallotSession", verbose_name="投票", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "选拔任用投票"
        verbose_name_plural = "选拔任用投票"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case}：{self.get_purpose_display()}"


class StepDocument(models.Model):
    """A file of a step: uploaded (会议记录, 谈话记录 …) or generated (考察材料, 任前公示 …), with its
    hash so the 纪实表 can name what it was."""

    step = models.ForeignKey(Step, verbose_name="环节", on_delete=models.CASCADE, related_name="documents")
    name = models.CharField("文件名", max_length=150)
    file = models.FileField("文件", upload_to="selection/")
    sha256 = models.CharField("校验码", max_length=64)
    generated = models.BooleanField("系统生成", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "环节材料"
        verbose_name_plural = "环节材料"
        ordering = ["step", "id"]

    def __str__(self) -> str:
        return self.name


class Complaint(models.Model):
    """A report received during 任前公示 (信访举报): each needs a finding before 任职."""

    case = models.ForeignKey(
        Case, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="complaints"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name="涉及人选", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_on = models.DateField("收到日期")
    summary = models.CharField("反映的主要问题", max_length=300)
    finding = models.TextField("核查结论", blank=True)
    found_on = models.DateField("核查日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "公示期间举报"
        verbose_name_plural = "公示期间举报"
        ordering = ["case", "received_on", "id"]

    def __str__(self) -> str:
        return self.summary


class SelectionRuleSettings(OverridesRow):
    """The county's numbers of 选拔任用 (rules/settings.py has the defaults and their sources). One
    row holding only the changed values; read with `conf.selection_settings()`, changed only by
    `services.settings.settings_update`."""

    class Meta:
        verbose_name = "选拔任用设置"
        verbose_name_plural = "选拔任用设置"

    def __str__(self) -> str:
        return "选拔任用设置"
