"""Reads of structure analysis. Split by subject: `state` (a cadre's position on a date, in SQL),
`structure` (the seed-001 table), `comparison` (two dates), `composition` (班子结构体检), `forecast`
(到龄预测), and `sql` (the small SQL builder they share). `__all__` is the API for other apps; the
pages, documents and the benchmark import the submodules directly."""

from ganbu.analytics.selectors.comparison import Comparison, compare
from ganbu.analytics.selectors.composition import (
    CompositionReport,
    active_rules,
    all_rules,
    composition_check,
    metric_label,
    rule_by_pk,
)
from ganbu.analytics.selectors.forecast import Forecast, age_cap_forecast, age_caps
from ganbu.analytics.selectors.state import EducationMode, Population
from ganbu.analytics.selectors.structure import (
    StructureQuery,
    StructureTable,
    registry_filter_ids,
    structure_table,
)

__all__ = [
    "Comparison",
    "CompositionReport",
    "EducationMode",
    "Forecast",
    "Population",
    "StructureQuery",
    "StructureTable",
    "active_rules",
    "age_cap_forecast",
    "age_caps",
    "all_rules",
    "compare",
    "composition_check",
    "metric_label",
    "registry_filter_ids",
    "rule_by_pk",
    "structure_table",
]
