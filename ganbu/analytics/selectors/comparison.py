"""Two structure tables side by side (e.g. before and after a 换届): count and percentage-point
changes per category."""

from __future__ import annotations

from dataclasses import dataclass

from ganbu.analytics.selectors.structure import Category, StructureTable
from ganbu.core.numbers import format_tenths


@dataclass(frozen=True)
class ComparedCategory:
    label: str
    before: Category
    after: Category

    @property
    def delta(self) -> int:
        return self.after.count - self.before.count

    @property
    def delta_points_tenths(self) -> int | None:
        """Change in percentage points, as the difference of the two displayed (rounded) percentages,
        so that the figures on screen add up."""
        a, b = self.before.percent_tenths, self.after.percent_tenths
        if a is None or b is None:
            return None
        return b - a

    @property
    def delta_points(self) -> str:
        value = self.delta_points_tenths
        if value is None:
            return "—"
        return ("+" if value > 0 else "") + format_tenths(value)


@dataclass(frozen=True)
class ComparedDimension:
    key: str
    label: str
    rows: tuple[ComparedCategory, ...]


@dataclass(frozen=True)
class Comparison:
    before: StructureTable
    after: StructureTable
    dimensions: tuple[ComparedDimension, ...]

    @property
    def total_delta(self) -> int:
        return self.after.total - self.before.total

    @property
    def average_age_delta(self) -> str:
        a, b = self.before.average_age_tenths, self.after.average_age_tenths
        if a is None or b is None:
            return "—"
        return ("+" if b > a else "") + format_tenths(b - a)


def compare(before: StructureTable, after: StructureTable) -> Comparison:
    dimensions = []
    for d_before in before.dimensions:
        d_after = after.dimension(d_before.key)
        keys = [c.key for c in d_before.categories]
        keys += [c.key for c in d_after.categories if c.key not in keys]
        rows = []
        for key in keys:
            a = next((c for c in d_before.categories if c.key == key), None)
            b = next((c for c in d_after.categories if c.key == key), None)
            if (a is None or not a.shown) and (b is None or not b.shown):
                continue
            model = a or b
            assert model is not None
            a = a or Category(key, model.label, model.phrase, 0, before.total, False)
            b = b or Category(key, model.label, model.phrase, 0, after.total, False)
            rows.append(ComparedCategory(model.label, a, b))
        dimensions.append(ComparedDimension(d_before.key, d_before.label, tuple(rows)))
    return Comparison(before, after, tuple(dimensions))
