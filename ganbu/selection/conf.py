"""The selection settings in force: the defaults of rules/settings.py with the county's changes
(models.SelectionRuleSettings, edited on the settings page). The case pages, the steps' checks and
`selection check` start from these."""

from __future__ import annotations

from typing import Any

from ganbu.selection.models import SelectionRuleSettings
from ganbu.selection.rules.settings import SelectionSettings, with_overrides


def stored_values() -> dict[str, Any]:
    """The county's changes by name, in the JSON form of a `--settings` file."""
    return dict(SelectionRuleSettings.current().values or {})


def selection_settings() -> SelectionSettings:
    return with_overrides(stored_values())
