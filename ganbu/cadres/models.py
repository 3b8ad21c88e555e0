"""The cadre registry (干部档案). Code-valued fields store the code of an org.CodeItem of the named table.

Fields marked "derived" are maintained by cadres.services from the history records (appointments,
ranks, education) and are never typed by a user; they exist so lists, filters and structure analysis
are single indexed queries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ganbu.core.models import TimeStampedModel
from ganbu.org.models import Post, Unit


class CadreStatus(models.TextChoices):
    ACTIVE = "active", "在职"
    RETIRED = "retired", "退休"
    LEFT = "left", "调出/离职"


class Cadre(TimeStampedModel):
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1)  # code table gender
    ethnicity = models.CharField("民族", max_length=2)  # code table ethnicity
    birth_date = models.DateField("出生日期")
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    id_number = models.CharField("身份证号", max_length=18, unique=True, null=True, blank=True)
    political_status = models.CharField("政治面貌", max_length=2)  # code table political_status
    party_joined_on = models.DateField("入党时间", null=True, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    health = models.CharField("健康状况", max_length=20, blank=True)
    professional_title = models.CharField("专业技术职务", max_length=50, blank=True)
    expertise = models.CharField("熟悉专业有何专长", max_length=100, blank=True)
    photo = models.FileField("照片", upload_to="photos/", blank=True)
    personnel_category = models.CharField("人员类别", max_length=2)  # code table personnel_category
    establishment = models.CharField("编制类型", max_length=2, blank=True)  # code table establishment
    status = models.CharField("状态", max_length=10, choices=CadreStatus.choices, default=CadreStatus.ACTIVE)

    # derived: search and ordering keys
    name_pinyin = models.CharField("姓名全拼", max_length=200, blank=True, editable=False)
    name_initials = models.CharField("姓名首字母", max_length=50, blank=True, editable=False)
    stroke_key = models.CharField("笔画排序键", max_length=400, blank=True, editable=False)
    # derived: current position, from the open appointments / rank / education records
    unit = models.ForeignKey(Unit, verbose_name="工作单位", on_delete=models.PROTECT, related_name="cadres")
    current_title = models.CharField("现任职务", max_length=200, blank=True, editable=False)
    current_level = models.CharField("现职务层次", max_length=8, blank=True, editable=False)
    current_post_since = models.DateField("任现职时间", null=True, blank=True, editable=False)
    current_rank = models.CharField("现职级", max_length=4, blank=True, editable=False)
    current_rank_since = models.DateField("任现职级时间", null=True, blank=True, editable=False)
    is_leader = models.BooleanField("领导职务", default=False, editable=False)
    fulltime_education = models.CharField("全日制学历", max_length=4, blank=True, editable=False)
    fulltime_degree = models.CharField("全日制学位", max_length=4, blank=True, editable=False)
    highest_education = models.CharField("最高学历", max_length=4, blank=True, editable=False)
    highest_degree = models.CharField("最高学位", max_length=4, blank=True, editable=False)
    # what the LRMX file the cadre was last imported from says that the registry has no field for
    # (拟任职务, 呈报单位, 填表人 …) and every element as written, in the file's order, so that an
    # export writes it back unchanged (cadres/lrmx/writing.py); {} for cadres never imported so
    lrmx_extras = models.JSONField("LRMX 文件原文", default=dict, blank=True, editable=False)
    # the login of the cadre themself (e.g. a 驻村干部 entering work logs on a phone); optional
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="本人登录账号",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
    )

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["stroke_key", "id"]
        indexes = [
            models.Index(fields=["unit", "stroke_key"], name="cadre_unit_stroke_idx"),
            models.Index(fields=["stroke_key"], name="cadre_stroke_idx"),
            models.Index(fields=["status", "stroke_key"], name="cadre_status_stroke_idx"),
            models.Index(fields=["status", "current_post_since"], name="cadre_status_tenure_idx"),
            models.Index(fields=["status", "birth_date"], name="cadre_status_birth_idx"),
            # structure analysis as of today reads only these columns of current cadres (covering on PostgreSQL)
            models.Index(
                fields=["unit"],
                include=[
                    "gender",
                    "birth_date",
                    "political_status",
                    "ethnicity",
                    "personnel_category",
                    "current_level",
                    "current_rank",
                    "is_leader",
                    "highest_education",
                    "fulltime_education",
                ],
                condition=Q(status="active") & ~Q(current_title=""),
                name="cadre_structure_idx",
            ),
            models.Index(fields=["name"], name="cadre_name_idx"),
            models.Index(fields=["name_pinyin"], name="cadre_pinyin_idx"),
            models.Index(fields=["name_initials"], name="cadre_initials_idx"),
            models.Index(fields=["birth_date"], name="cadre_birth_idx"),
            models.Index(fields=["current_level"], name="cadre_level_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=["1", "2"]), name="cadre_gender_code"),
            models.CheckConstraint(
                condition=Q(work_started_on__isnull=True) | Q(work_started_on__gt=F("birth_date")),
                name="cadre_work_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EducationKind(models.TextChoices):
    FULL_TIME = "fulltime", "全日制教育"
    IN_SERVICE = "inservice", "在职教育"


class Education(TimeStampedModel):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="educations")
    kind = models.CharField("教育类别", max_length=10, choices=EducationKind.choices)
    education = models.CharField("学历", max_length=4, blank=True)  # code table education
    degree = models.CharField("学位", max_length=4, blank=True)  # code table degree
    school = models.CharField("毕业院校", max_length=100, blank=True)
    major = models.CharField("系及专业", max_length=100, blank=True)
    started_on = models.DateField("入学时间", null=True, blank=True)
    ended_on = models.DateField("毕业时间", null=True, blank=True)

    class Meta:
        verbose_name = "学历学位"
        verbose_name_plural = "学历学位"
        ordering = ["cadre", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="education_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school}{self.major}"


class AppointmentMethod(models.TextChoices):
    ELECTED = "elected", "选任"
    APPOINTED = "appointed", "委任"
    HIRED = "hired", "聘任"
    EXAMINED = "examined", "考任"


class Appointment(TimeStampedModel):
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="appointments"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="appointments")
    post = models.ForeignKey(
        Post,
        verbose_name="职位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    title = models.CharField("职务名称", max_length=200)
    level = models.CharField("职务层次", max_length=8, blank=True)  # code table leadership_level
    is_leadership = models.BooleanField("领导职务", default=False)
    is_primary = models.BooleanField("主要职务", default=True)
    method = models.CharField("任职方式", max_length=10, choices=AppointmentMethod.choices, blank=True)
    started_on = models.DateField("任职时间")
    ended_on = models.DateField("免职时间", null=True, blank=True)
    document_number = models.CharField("任职文号", max_length=100, blank=True)
    end_document_number = models.CharField("免职文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        ordering = ["cadre", "started_on", "id"]
        indexes = [
            models.Index(fields=["post", "started_on"], name="appointment_post_idx"),
            models.Index(fields=["unit", "started_on"], name="appointment_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="appointment_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class RankRecord(TimeStampedModel):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="ranks")
    rank = models.CharField("职级", max_length=4)  # code table civil_service_rank
    started_on = models.DateField("任职级时间")
    ended_on = models.DateField("终止时间", null=True, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "职级"
        verbose_name_plural = "职级"
        ordering = ["cadre", "started_on", "id"]

    def __str__(self) -> str:
        return self.rank


class StatePeriod(models.Model):
    """Derived: a cadre's structure-relevant state during [valid_from, valid_to) — one row per
    interval in which the cadre holds an appointment and `rules.derive_current` gives the same unit,
    level, leader flag, rank and education (`rules.state_periods`), with the cadre's own fields
    that structure tables count by copied in. So "everyone in post on D and what they were" is one
    range scan of this table (`selectors.state_periods_on`), however long the histories are.

    Maintained by cadres.services whenever a cadre's history or those fields change (same
    transaction); `manage.py rebuild_state_periods` rebuilds it from the history. No timestamps:
    rows are only ever replaced, never edited. No database foreign keys either (derived rows, and a
    rebuild writes millions: the per-row checks would double its time); deleting a cadre deletes
    its periods (Django's cascade)."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, db_constraint=False, related_name="state_periods"
    )
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("截止日期（不含）")  # rules.OPEN_END while it lasts
    # from the main appointment held, and the other records, on each day of the period
    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    main_appointment_id = models.BigIntegerField("主要职务记录", null=True)
    level = models.CharField("职务层次", max_length=8, blank=True)
    is_leader = models.BooleanField("领导职务")
    rank = models.CharField("职级", max_length=4, blank=True)
    highest_education = models.CharField("最高学历", max_length=4, blank=True)
    fulltime_education = models.CharField("全日制学历", max_length=4, blank=True)
    # copies of the cadre's fields, so the table answers without the cadre table
    gender = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    political_status = models.CharField("政治面貌", max_length=2)
    ethnicity = models.CharField("民族", max_length=2)
    personnel_category = models.CharField("人员类别", max_length=2)

    class Meta:
        verbose_name = "干部状态时段"
        verbose_name_plural = "干部状态时段"
        ordering = ["cadre", "valid_from"]
        indexes = [
            # "in post on D" = valid_to > D AND valid_from <= D: the range on valid_to is narrow for
            # recent dates (mostly the open periods); covering on PostgreSQL, so the structure
            # table is an index-only scan (at 1,000,000 cadres: 1.0 of 4.1 million rows read for a
            # date a year ago instead of all; older dates, where the range is wide, are a
            # sequential scan, chosen by the planner)
            models.Index(
                fields=["valid_to", "valid_from"],
                include=[
                    "cadre_id",
                    "unit_id",
                    "gender",
                    "birth_date",
                    "political_status",
                    "ethnicity",
                    "personnel_category",
                    "level",
                    "is_leader",
                    "rank",
                    "highest_education",
                    "fulltime_education",
                ],
                name="state_period_range_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gt=F("valid_from")), name="state_period_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.valid_from}—{self.valid_to}"


class RewardKind(models.TextChoices):
    REWARD = "reward", "奖励"
    PUNISHMENT = "punishment", "惩处"


class RewardPunishment(TimeStampedModel):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="rewards")
    kind = models.CharField("类别", max_length=10, choices=RewardKind.choices)
    name = models.CharField("名称", max_length=100)
    granted_on = models.DateField("时间")
    authority = models.CharField("批准机关", max_length=100, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "奖惩"
        verbose_name_plural = "奖惩"
        ordering = ["cadre", "granted_on", "id"]

    def __str__(self) -> str:
        return self.name


class AnnualAssessment(TimeStampedModel):
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("考核结果", max_length=2)  # code table assessment_result
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["cadre", "year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="assessment_one_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.grade}"


class EvaluationRecord(TimeStampedModel):
    """A scored evaluation other than the annual 年度考核, written into the record by the module that
    ran it (e.g. 驻村考核 by villagework). One per cadre, year and kind; re-running replaces it."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("考核类别", max_length=30)  # e.g. 驻村考核
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等次", max_length=2, blank=True)  # code table assessment_result
    source = models.CharField("来源", max_length=100, blank=True)  # e.g. villagework.evaluation:12
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "专项考核"
        verbose_name_plural = "专项考核"
        ordering = ["cadre", "year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year", "kind"], name="evaluation_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.grade}"


class FamilyMember(TimeStampedModel):
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family")
    relation = models.CharField("称谓", max_length=4)  # code table family_relation
    name = models.CharField("姓名", max_length=50)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    political_status = models.CharField("政治面貌", max_length=2, blank=True)
    workplace = models.CharField("工作单位及职务", max_length=200, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)

    class Meta:
        verbose_name = "家庭成员及社会关系"
        verbose_name_plural = "家庭成员及社会关系"
        ordering = ["cadre", "relation", "id"]

    def __str__(self) -> str:
        return self.name
