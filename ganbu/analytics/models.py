"""Settings of structure analysis that administrators edit: leadership-team composition rules
(班子结构要求) and age caps for leadership posts (任职年龄界限). Both are county-wide; every change is
written by analytics.services with an audit event."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ganbu.analytics.rules import CAP_AGE_MAX, CAP_AGE_MIN, RULE_AGE_MAX, RULE_AGE_MIN
from ganbu.core.models import TimeStampedModel


class RuleScope(models.TextChoices):
    TEAM = "team", "每个班子"
    POPULATION = "population", "领导干部总体"


class Metric(models.TextChoices):
    WOMEN = "women", "女干部"
    NON_PARTY = "non_party", "党外干部"
    MINORITY = "minority", "少数民族干部"
    UNIVERSITY = "university", "大学以上学历"
    POSTGRADUATE = "postgraduate", "研究生学历"
    AGE_AT_MOST = "age_at_most", "不超过规定年龄"


class CompositionRule(TimeStampedModel):
    """One requirement. Team rules: every team (of the listed kinds) has at least `min_count` members
    meeting the metric. Population rules: among the leaders of the scope, at least `min_percent` %
    meet the metric. For `age_at_most`, `age` is the inclusive limit (「40岁以下」 = age <= 40)."""

    name = models.CharField("规则名称", max_length=100)
    scope = models.CharField("适用对象", max_length=12, choices=RuleScope.choices)
    metric = models.CharField("指标", max_length=16, choices=Metric.choices)
    age = models.PositiveSmallIntegerField("年龄上限（含）", null=True, blank=True)
    min_count = models.PositiveSmallIntegerField("每班子至少（名）", null=True, blank=True)
    min_percent = models.DecimalField("不低于（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    team_kinds = models.CharField(
        "班子类型", max_length=200, blank=True, help_text="逗号分隔的班子类型代码；留空表示全部班子"
    )
    source = models.CharField("依据", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "班子结构规则"
        verbose_name_plural = "班子结构规则"
        ordering = ["scope", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="team", min_count__isnull=False, min_count__gte=1, min_percent__isnull=True)
                )
                | Q(
                    scope="population",
                    min_percent__isnull=False,
                    min_percent__gt=0,
                    min_percent__lte=100,
                    min_count__isnull=True,
                ),
                name="composition_rule_threshold_matches_scope",
            ),
            models.CheckConstraint(
                condition=(
                    Q(metric="age_at_most", age__isnull=False, age__gte=RULE_AGE_MIN, age__lte=RULE_AGE_MAX)
                )
                | (~Q(metric="age_at_most") & Q(age__isnull=True)),
                name="composition_rule_age_only_for_age_metric",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kinds(self) -> list[str]:
        return [k.strip() for k in self.team_kinds.split(",") if k.strip()]


class AgeCap(TimeStampedModel):
    """The age at which a holder of a leadership post of `level` and `gender` leaves it (到杠)."""

    level = models.CharField("职务层次", max_length=8)  # code table leadership_level
    gender = models.CharField("性别", max_length=1)  # code table gender
    age = models.PositiveSmallIntegerField("年龄界限（周岁）")

    class Meta:
        verbose_name = "任职年龄界限"
        verbose_name_plural = "任职年龄界限"
        ordering = ["level", "gender"]
        constraints = [
            models.UniqueConstraint(fields=["level", "gender"], name="age_cap_one_per_level_gender"),
            models.CheckConstraint(condition=Q(gender__in=["1", "2"]), name="age_cap_gender_code"),
            models.CheckConstraint(
                condition=Q(age__gte=CAP_AGE_MIN, age__lte=CAP_AGE_MAX), name="age_cap_age_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.gender}: {self.age}"
