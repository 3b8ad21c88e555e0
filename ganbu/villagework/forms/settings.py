"""The county's settings page: every value as text (the service checks and names the field)."""

from __future__ import annotations

from typing import Any

from django import forms

from ganbu.villagework import rules, scoring
from ganbu.villagework.forms.base import text
from ganbu.villagework.models import VillageWorkSettings

# --------------------------------------------------------------------------------------------------
# Settings (the county's)
# --------------------------------------------------------------------------------------------------

LIST_FIELDS = {"rater_groups": ("rater", "评议层面"), "bundled_items": ("item", "捆绑考核项目")}
EXTRA_ROWS = 2
MAX_ROWS = 20


class SettingsForm(forms.Form):
    """All inputs as text: services.settings.settings_update checks them and names the field in its
    message. The rater groups and bundled items are rows of name + weight, with blank rows to add."""

    def __init__(self, *args: Any, current: VillageWorkSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meta = VillageWorkSettings._meta
        for name, (low, high) in rules.SETTING_RANGES.items():
            model_field = meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=str(model_field.verbose_name),  # type: ignore[union-attr]
                help_text=f"{model_field.help_text or ''}（{low}–{high}）",  # type: ignore[union-attr]
                initial=getattr(current, name),
                max_length=10,
            )
        self.row_counts: dict[str, int] = {}
        for field, (prefix, _label) in LIST_FIELDS.items():
            rows = list(getattr(current, field))
            count = min(max(len(rows) + EXTRA_ROWS, self._posted_rows(prefix)), MAX_ROWS)
            self.row_counts[field] = count
            for index in range(count):
                row = rows[index] if index < len(rows) else {}
                self.fields[f"{prefix}_name_{index}"] = forms.CharField(
                    label="名称", required=False, max_length=50, initial=row.get("name", "")
                )
                self.fields[f"{prefix}_weight_{index}"] = forms.CharField(
                    label="权重", required=False, max_length=10, initial=text(row.get("weight"))
                )
        for part in rules.PARTS:
            self.fields[f"part_{part}"] = forms.CharField(
                label=f"{scoring.PART_LABELS[part]}得分占比（%）",
                max_length=10,
                initial=text(current.part_weights.get(part)),
            )
        minimums = {str(t.get("grade")): t.get("min") for t in current.grade_thresholds}
        for grade in rules.GRADE_CODES:
            self.fields[f"threshold_{grade}"] = forms.CharField(
                label=f"{scoring.GRADE_LABELS[grade]}最低分",
                max_length=10,
                initial=text(minimums.get(grade)),
            )

    def _posted_rows(self, prefix: str) -> int:
        """How many rows a submitted form had (so rows added in the browser are kept on errors)."""
        if not self.is_bound:
            return 0
        indexes = [
            int(key.rsplit("_", 1)[1])
            for key in self.data
            if key.startswith(f"{prefix}_name_") and key.rsplit("_", 1)[1].isdecimal()
        ]
        return max(indexes) + 1 if indexes else 0

    def rows(self, field: str) -> list[dict[str, Any]]:
        prefix = LIST_FIELDS[field][0]
        return [
            {"name": self[f"{prefix}_name_{i}"], "weight": self[f"{prefix}_weight_{i}"]}
            for i in range(self.row_counts[field])
        ]

    def settings_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: self.cleaned_data[name].strip() for name in rules.SETTING_RANGES}
        for field, (prefix, _label) in LIST_FIELDS.items():
            items = []
            for index in range(self.row_counts[field]):
                name = self.cleaned_data.get(f"{prefix}_name_{index}", "").strip()
                weight = self.cleaned_data.get(f"{prefix}_weight_{index}", "").strip()
                if name or weight:
                    items.append({"name": name, "weight": weight})
            data[field] = items
        data["part_weights"] = {p: self.cleaned_data[f"part_{p}"].strip() for p in rules.PARTS}
        data["grade_thresholds"] = [
            {"grade": g, "min": self.cleaned_data[f"threshold_{g}"].strip()} for g in rules.GRADE_CODES
        ]
        return data
