"""Pages of structure analysis (see analytics/README.md)."""

from ganbu.analytics.views.reports import (
    compare_export,
    compare_view,
    composition,
    forecast,
    forecast_export,
    index,
    structure,
    structure_export,
)
from ganbu.analytics.views.settings import age_caps_edit, rule_create, rule_delete, rule_edit, rules

__all__ = [
    "age_caps_edit",
    "compare_export",
    "compare_view",
    "composition",
    "forecast",
    "forecast_export",
    "index",
    "rule_create",
    "rule_delete",
    "rule_edit",
    "rules",
    "structure",
    "structure_export",
]
