"""Forms of the analysis pages. Every page is a GET form (so a table can be bookmarked and sent),
except the rule and age-cap editors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from ganbu.analytics.models import Metric, RuleScope
from ganbu.analytics.rules import (
    BAND_PRESET_LABELS,
    BAND_PRESETS,
    CAP_AGE_MAX,
    CAP_AGE_MIN,
    CAP_LEVELS,
    RULE_AGE_MAX,
    RULE_AGE_MIN,
    AgeBand,
    bands_from_cuts,
    parse_cuts,
)
from ganbu.analytics.selectors.state import (
    EDUCATION_MODE_LABELS,
    POPULATION_LABELS,
    EducationMode,
    Population,
)
from ganbu.cadres.forms import CadreFilterForm
from ganbu.cadres.selectors import CadreFilters
from ganbu.core.dates import months_after
from ganbu.org.models import TeamKind, User

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EARLIEST = date(1950, 1, 1)
CUSTOM = "custom"


def _check_date(value: date | None) -> date | None:
    if value is None:
        return None
    if value > timezone.localdate():
        raise forms.ValidationError("统计时点不能晚于今天")
    if value < EARLIEST:
        raise forms.ValidationError("统计时点不能早于1950年")
    return value


class StructureOptionsForm(forms.Form):
    """Population, age bands and education mode (shared by the structure and compare pages)."""

    population = forms.ChoiceField(
        label="统计对象",
        required=False,
        choices=[(k, v) for k, v in POPULATION_LABELS.items()],
        initial=Population.ALL,
    )
    bands = forms.ChoiceField(
        label="年龄段",
        required=False,
        choices=[*BAND_PRESET_LABELS.items(), (CUSTOM, "自定义分界")],
        initial="seed001",
    )
    cuts = forms.CharField(
        label="自定义分界年龄",
        required=False,
        max_length=40,
        help_text="如 35,40,50 表示 ≤35、36–40、41–50、≥51",
    )
    education = forms.ChoiceField(
        label="学历口径",
        required=False,
        choices=list(EDUCATION_MODE_LABELS.items()),
        initial=EducationMode.HIGHEST,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("bands") == CUSTOM:
            try:
                parse_cuts(data.get("cuts") or "")
            except ValueError as exc:
                self.add_error("cuts", str(exc))
        return data

    def population_value(self) -> str:
        return self.cleaned_data.get("population") or Population.ALL

    def education_mode(self) -> str:
        return self.cleaned_data.get("education") or EducationMode.HIGHEST

    def age_bands(self) -> tuple[AgeBand, ...]:
        choice = self.cleaned_data.get("bands") or "seed001"
        if choice == CUSTOM:
            return bands_from_cuts(parse_cuts(self.cleaned_data.get("cuts") or ""))
        return BAND_PRESETS[choice]


class StructureForm(StructureOptionsForm):
    as_of = forms.DateField(label="统计时点", required=False, widget=DATE_INPUT)

    field_order = ["as_of", "population", "bands", "cuts", "education"]

    def clean_as_of(self) -> date | None:
        return _check_date(self.cleaned_data.get("as_of"))

    def as_of_date(self) -> date:
        return self.cleaned_data.get("as_of") or timezone.localdate()


class CompareForm(StructureOptionsForm):
    before = forms.DateField(label="时点一（如换届前）", required=False, widget=DATE_INPUT)
    after = forms.DateField(label="时点二（如换届后）", required=False, widget=DATE_INPUT)

    field_order = ["before", "after", "population", "bands", "cuts", "education"]

    def clean_before(self) -> date | None:
        return _check_date(self.cleaned_data.get("before"))

    def clean_after(self) -> date | None:
        return _check_date(self.cleaned_data.get("after"))

    def dates(self) -> tuple[date, date]:
        today = timezone.localdate()
        after = self.cleaned_data.get("after") or today
        before = self.cleaned_data.get("before") or date(after.year - 5, after.month, min(after.day, 28))
        return before, after


class RegistryFilterForm(CadreFilterForm):
    """The registry list's filters, selecting *who* is counted (by their current record, as the
    干部档案 list does). Prefixed "f" on the structure page."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in ("q", "order", "unit", "status"):
            self.fields.pop(name, None)

    def _status(self) -> str:
        return ""  # people who have left count for the dates they held their posts

    def filters(self) -> CadreFilters:
        base = super().filters()
        return CadreFilters(**{**base.__dict__, "q": "", "unit": None, "status": ""})

    def label(self) -> str:
        """「性别：女；政治面貌：党外」 for the chosen filters."""
        if not self.is_valid():
            return ""
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            if isinstance(field, forms.ChoiceField):
                shown = dict(field.choices).get(value, value)  # type: ignore[arg-type]
            elif isinstance(field, forms.BooleanField):
                shown = "是"
            else:
                shown = value
            parts.append(f"{field.label}：{shown}")
        return "；".join(parts)

    def has_filters(self) -> bool:
        return bool(self.label())


class AsOfForm(forms.Form):
    as_of = forms.DateField(label="检查时点", required=False, widget=DATE_INPUT)

    def clean_as_of(self) -> date | None:
        return _check_date(self.cleaned_data.get("as_of"))

    def as_of_date(self) -> date:
        return self.cleaned_data.get("as_of") or timezone.localdate()


class ForecastForm(AsOfForm):
    years = forms.IntegerField(label="预测年数", required=False, min_value=1, max_value=15, initial=5)
    # the home page's 到龄提醒 links here with ?months=6: the list then holds exactly its people
    months = forms.IntegerField(
        label="名单只列几个月内到龄",
        required=False,
        min_value=1,
        max_value=60,
        help_text="不填则列预测期内全部",
    )

    def years_value(self) -> int:
        return self.cleaned_data.get("years") or 5

    def until_date(self) -> date | None:
        """The last cap date of the list: `months` months after the start date, 含已到龄."""
        months = self.cleaned_data.get("months")
        return months_after(self.as_of_date(), months) if months else None


class RuleForm(forms.Form):
    name = forms.CharField(label="规则名称", max_length=100)
    scope = forms.ChoiceField(label="适用对象", choices=RuleScope.choices)
    metric = forms.ChoiceField(label="指标", choices=Metric.choices)
    age = forms.IntegerField(
        label="年龄上限（含，仅年龄指标）", required=False, min_value=RULE_AGE_MIN, max_value=RULE_AGE_MAX
    )
    min_count = forms.IntegerField(
        label="每班子至少（名，仅班子规则）", required=False, min_value=1, max_value=50
    )
    min_percent = forms.DecimalField(
        label="不低于（%，仅总体规则）",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
    )
    team_kinds = forms.MultipleChoiceField(
        label="班子类型（不选表示全部班子）",
        required=False,
        choices=TeamKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.CharField(label="依据", max_length=200, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    sort_order = forms.IntegerField(label="排序", required=False, min_value=0, initial=0)

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["team_kinds"] = ",".join(data.get("team_kinds") or [])
        return data


def cap_field_name(level: str, gender: str) -> str:
    return f"cap_{level}_{gender}"


class AgeCapsForm(forms.Form):
    """One field per (leadership level, gender); empty = no cap for that level."""

    def __init__(self, *args: Any, level_names: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level in CAP_LEVELS:
            for gender, gender_label in (("1", "男"), ("2", "女")):
                self.fields[cap_field_name(level, gender)] = forms.IntegerField(
                    label=f"{level_names.get(level, level)}（{gender_label}）",
                    required=False,
                    min_value=CAP_AGE_MIN,
                    max_value=CAP_AGE_MAX,
                )

    def caps(self) -> dict[tuple[str, str], int | None]:
        return {
            (level, gender): self.cleaned_data.get(cap_field_name(level, gender))
            for level in CAP_LEVELS
            for gender in ("1", "2")
        }
