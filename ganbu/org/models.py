"""Units (the county tree), teams, posts, code tables and user accounts with a data scope."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from ganbu.core.models import TimeStampedModel


class UnitKind(models.TextChoices):
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡"
    TOWN = "town", "镇"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    DEPARTMENT = "department", "县直部门"


TOWNSHIP_KINDS = (UnitKind.TOWNSHIP, UnitKind.TOWN)
VILLAGE_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY)


class Unit(TimeStampedModel):
    """A node of the county tree. `path` is a materialized path of unit codes ("/C/T01/V0101/"),
    so a subtree is one indexed prefix match; it is set by org.services and never edited by hand."""

    code = models.CharField("单位代码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=16, choices=UnitKind.choices)
    category = models.CharField(
        "分类", max_length=32, blank=True, help_text="排名分组，如 山区乡镇 / 中心镇 / 党群部门"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField("路径", max_length=400, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(households__isnull=True) | Q(kind__in=["village", "community"]),
                name="unit_households_only_for_villages",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_township(self) -> bool:
        return self.kind in TOWNSHIP_KINDS

    @property
    def is_village(self) -> bool:
        return self.kind in VILLAGE_KINDS


class TeamKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", "党委"
    GOVERNMENT = "government", "政府"
    CONGRESS = "congress", "人大主席团"
    DISCIPLINE = "discipline", "纪委"
    PARTY_GROUP = "party_group", "党组"
    LEADERSHIP = "leadership", "领导班子"
    VILLAGE_BRANCH = "village_branch", "村党组织"
    VILLAGE_COMMITTEE = "village_committee", "村（居）民委员会"


class Team(TimeStampedModel):
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="teams")
    kind = models.CharField("班子类型", max_length=32, choices=TeamKind.choices)
    name = models.CharField("班子名称", max_length=100)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "领导班子"
        verbose_name_plural = "领导班子"
        ordering = ["unit__path", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="team_unique_kind_per_unit")]

    def __str__(self) -> str:
        return self.name


class Post(TimeStampedModel):
    """A seat in a team (or directly in a unit) with its leadership level and quota (职数)."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="posts")
    team = models.ForeignKey(
        Team, verbose_name="班子", on_delete=models.PROTECT, related_name="posts", null=True, blank=True
    )
    name = models.CharField("职位名称", max_length=100)
    level = models.CharField("职务层次", max_length=8, help_text="代码表 leadership_level")
    quota = models.PositiveSmallIntegerField("职数", default=1)
    is_leadership = models.BooleanField("领导职务", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "职位"
        verbose_name_plural = "职位"
        ordering = ["unit__path", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="post_unique_name_per_unit"),
            models.CheckConstraint(condition=Q(quota__gte=1), name="post_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.name}"


class CodeTable(models.Model):
    """A code table (national standard or local), e.g. 民族 GB/T 3304. Items are editable data."""

    key = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50)
    standard = models.CharField("依据标准", max_length=100, blank=True)

    class Meta:
        verbose_name = "代码表"
        verbose_name_plural = "代码表"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class CodeItem(models.Model):
    table = models.ForeignKey(
        CodeTable, verbose_name="代码表", on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("代码", max_length=8)
    name = models.CharField("名称", max_length=50)
    group = models.CharField(
        "归类", max_length=20, blank=True, help_text="结构统计时的分组，如 研究生 / 大学 / 大专及以下"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "代码项"
        verbose_name_plural = "代码项"
        ordering = ["table", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="codeitem_unique_code"),
            models.UniqueConstraint(fields=["table", "name"], name="codeitem_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Role(models.TextChoices):
    COUNTY = "county", "组织部"
    TOWNSHIP = "township", "乡镇"
    DEPARTMENT = "department", "县直部门"
    VILLAGE_CADRE = "village_cadre", "驻村干部"
    COMMITTEE = "committee", "常委/全委会成员"
    SUPERVISION = "supervision", "纪检监督"


class User(AbstractUser):
    """An account. What it may see is the subtree under `scope_unit`; what it may do is its role."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.TOWNSHIP)
    scope_unit = models.ForeignKey(
        Unit, verbose_name="数据范围", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username


class CalendarDay(TimeStampedModel):
    """An official holiday (休) or make-up working day (调休上班) entered by an administrator, for
    years the holiday package does not know yet (the schedule of next year is published each
    November or December) or to correct it. Read through `org.selectors.work_calendar`."""

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班", help_text="勾选：调休上班的工作日；不勾选：放假")
    note = models.CharField("说明", max_length=50, blank=True, help_text="如 元旦、春节、国庆节调休上班")

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {'上班' if self.is_workday else '放假'}"
