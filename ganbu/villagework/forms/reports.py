"""Forms of the report pages (the period) and of the annual evaluation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms

from ganbu.core.dates import year_period
from ganbu.org.models import Unit, User
from ganbu.villagework import errors, rules, scoring
from ganbu.villagework.forms.base import set_choices
from ganbu.villagework.models import Evaluation, EvaluationEntry
from ganbu.villagework.selectors.scope import townships_for

MAX_PERIOD_DAYS = 3653  # ten years

# --------------------------------------------------------------------------------------------------
# Report periods
# --------------------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    """A year, or a from/to period (which wins when given). Empty → the current year."""

    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    start = forms.DateField(label="开始日期", required=False)
    end = forms.DateField(label="结束日期", required=False)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期", code=errors.PERIOD_REVERSED)
        if start and end and (end - start).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError("统计期间不能超过10年", code=errors.PERIOD_TOO_LONG)
        return data

    def period(self) -> tuple[date, date]:
        """The period asked for, or the current year when the form is invalid or empty."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        if start or end:
            start = start or year_period((end or self.today).year)[0]
            end = end or year_period(start.year)[1]
            return start, end
        return year_period(data.get("year") or self.today.year)

    def error_text(self) -> str:
        """The errors of a bound, invalid form as one Chinese line (an export answers 400 with it)."""
        messages = [
            f"{self.fields[f].label if f in self.fields else '期间'}：{e}"
            for f, es in self.errors.items()
            for e in es
        ]
        return "日期有误（格式 YYYY-MM-DD）：" + "；".join(messages)


# --------------------------------------------------------------------------------------------------
# The annual evaluation
# --------------------------------------------------------------------------------------------------


class EvaluationCreateForm(forms.Form):
    township = forms.ModelChoiceField(label="乡镇", queryset=Unit.objects.none(), empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="名称（可不填）", max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["township"], townships_for(user).order_by("path"))


class ExpectedForm(forms.Form):
    """应到人数 per rater group of the evaluation (fields expected_0, expected_1, …)."""

    def __init__(self, *args: Any, evaluation: Evaluation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = [str(g["name"]) for g in evaluation.rater_groups]
        for index, name in enumerate(self.names):
            self.fields[f"expected_{index}"] = forms.IntegerField(
                label=f"{name}应到人数",
                min_value=1,
                max_value=rules.EXPECTED_MAX,
                initial=rules.EXPECTED_VOTERS.get(name, rules.EXPECTED_FALLBACK),
            )

    def expected(self) -> dict[str, int]:
        return {name: self.cleaned_data[f"expected_{i}"] for i, name in enumerate(self.names)}


class BundledForm(forms.Form):
    """One score (0–100) per bundled item of the evaluation (fields item_0, item_1, …)."""

    def __init__(self, *args: Any, entry: EvaluationEntry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = [str(i["name"]) for i in entry.evaluation.bundled_items]
        weights = [str(i["weight"]) for i in entry.evaluation.bundled_items]
        for index, (name, weight) in enumerate(zip(self.names, weights, strict=True)):
            out_of_range = f"「{name}」的得分应为0到100之间的数"
            self.fields[f"item_{index}"] = forms.DecimalField(
                label=f"{name}（权重 {weight}）",
                min_value=Decimal(0),
                max_value=Decimal(100),
                decimal_places=2,
                max_digits=5,
                initial=entry.bundled_scores.get(name),
                error_messages={
                    "required": f"请填写「{name}」的得分",
                    "invalid": f"「{name}」的得分应为数字",
                    "min_value": out_of_range,
                    "max_value": out_of_range,
                    "max_decimal_places": f"「{name}」的得分最多保留两位小数",
                    "max_digits": out_of_range,
                },
            )

    def scores(self) -> dict[str, Decimal]:
        return {name: self.cleaned_data[f"item_{i}"] for i, name in enumerate(self.names)}


class FinalizeForm(forms.Form):
    """For each scored entry: the grade (default the suggestion) and a reason when it differs."""

    def __init__(self, *args: Any, entries: list[EvaluationEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            self.fields[f"grade_{entry.pk}"] = forms.ChoiceField(
                label=f"{entry.cadre.name}确定等次",
                choices=list(scoring.GRADE_LABELS.items()),
                initial=entry.final_grade or entry.suggested_grade,
            )
            self.fields[f"reason_{entry.pk}"] = forms.CharField(
                label=f"{entry.cadre.name}调整理由", max_length=200, required=False
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"entry": e, "grade": self[f"grade_{e.pk}"], "reason": self[f"reason_{e.pk}"]}
            for e in self.entries
        ]

    def grades(self) -> dict[int, str]:
        return {e.pk: self.cleaned_data[f"grade_{e.pk}"] for e in self.entries}

    def reasons(self) -> dict[int, str]:
        return {e.pk: self.cleaned_data[f"reason_{e.pk}"] for e in self.entries}
