"""The county's selection settings (models.SelectionRuleSettings; read with
conf.selection_settings). Changed only here: every value validated by the rules, only the changes
stored, one audit event with the before and after of each changed setting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.core.rulesettings import save_values
from ganbu.org.models import User
from ganbu.selection import errors, events
from ganbu.selection.models import SelectionRuleSettings
from ganbu.selection.rules.settings import LABELS, SelectionSettings, county_limits, with_overrides

__all__ = ["settings_update"]


def settings_update(*, actor: User | None, values: Mapping[str, Any]) -> SelectionSettings:
    """The page's values by name (a name left out returns to its default). Refused whole, with
    every problem named, when a value is bad. Steps recorded later and the checker use the new
    values; a case's 全委会征求意见 requirement was fixed at its 动议. Never looser than
    `rules.settings.county_limits` allows."""
    with transaction.atomic():
        settings, change, row = save_values(
            SelectionRuleSettings,
            with_overrides,
            LABELS,
            values,
            code=errors.SETTINGS_INVALID,
            limits=county_limits,
        )
        if change["after"]:
            record_event(actor=actor, action=events.SETTINGS, obj=row, payload=change)
    row.forget()
    return settings
