"""The grading settings in force: the defaults of grading/settings.py with the county's changes
(models.AssessmentSettings, edited on the settings page). Every grading of a review, the quarter
entry and `assessment simulate-grades` start from these."""

from __future__ import annotations

from typing import Any

from ganbu.assessment.grading.settings import GradingSettings, with_overrides
from ganbu.assessment.models import AssessmentSettings


def stored_values() -> dict[str, Any]:
    """The county's changes by name, in the JSON form of an inputs file's `settings`."""
    return dict(AssessmentSettings.current().values or {})


def grading_settings() -> GradingSettings:
    return with_overrides(stored_values())
