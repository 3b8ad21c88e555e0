"""The county's grading settings (models.AssessmentSettings; read with conf.grading_settings).
Changed only here: every value validated by the grading rules, only the changes stored, one audit
event with the before and after of each changed setting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ganbu.assessment import errors, events
from ganbu.assessment.grading.settings import LABELS, GradingSettings, with_overrides
from ganbu.assessment.models import AssessmentSettings
from ganbu.audit.services import record_event
from ganbu.core.rulesettings import save_values
from ganbu.org.models import User

__all__ = ["settings_update"]


def settings_update(*, actor: User | None, values: Mapping[str, Any]) -> GradingSettings:
    """The page's values by name (a name left out returns to its default). Refused whole, with
    every problem named, when a value is bad. Reviews graded later use the new values; grades
    already confirmed keep theirs."""
    with transaction.atomic():
        settings, change, row = save_values(
            AssessmentSettings, with_overrides, LABELS, values, code=errors.SETTINGS_INVALID
        )
        if change["after"]:
            record_event(actor=actor, action=events.SETTINGS, obj=row, payload=change)
    row.forget()
    return settings
