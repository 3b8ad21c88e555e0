"""The county's selection settings (models.SelectionRuleSettings; read with
conf.selection_settings). Changed only here: every value validated by the rules, only the changes
stored, one audit event with the before and after of each changed setting."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.core.rulesettings import save_values
from ganbu.org.models import User
from ganbu.selection import errors, events
from ganbu.selection.models import SelectionRuleSettings
from ganbu.selection.rules.settings import LABELS, SelectionSettings, with_overrides

__all__ = ["settings_update"]

# 《党政领导干部选拔任用工作条例》（2019）as ../shared/REFERENCE.md summarises it: a county may be
# stricter, never looser (name → (the least strict value, how the message says it)).
STATUTORY: dict[str, tuple[Fraction | int, str]] = {
    "vote_quorum": (Fraction(2, 3), "三分之二"),
    "vote_pass_share": (Fraction(1, 2), "半数"),
    "publicity_working_days": (5, "5 个工作日"),
    "probation_months": (12, "12 个月"),
}


def _no_looser_than_the_regulation(values: Mapping[str, Any]) -> None:
    try:
        settings = with_overrides(dict(values))
    except ValidationError:
        return  # save_values gives the labelled messages
    problems = [
        ValidationError(
            f"「{LABELS[name].title}」不能低于《党政领导干部选拔任用工作条例》的规定（{words}）",
            code=errors.SETTINGS_INVALID,
        )
        for name, (least, words) in STATUTORY.items()
        if getattr(settings, name) < least
    ]
    # ratios of at least one per post; a nominee half of the members reject is never kept
    for name in ("recommend_ratio", "inspect_ratio"):
        if getattr(settings, name) < 1:
            problems.append(
                ValidationError(f"「{LABELS[name].title}」至少为 1 名", code=errors.SETTINGS_INVALID)
            )
    if settings.consult_drop_share > Fraction(1, 2):
        problems.append(
            ValidationError(
                f"「{LABELS['consult_drop_share'].title}」不能高于半数（超过半数委员不同意的不再作为提名人选）",
                code=errors.SETTINGS_INVALID,
            )
        )
    if not 0 < settings.talks_share <= 1:
        problems.append(
            ValidationError(f"「{LABELS['talks_share'].title}」应大于 0", code=errors.SETTINGS_INVALID)
        )
    if problems:
        raise ValidationError(problems)


def settings_update(*, actor: User | None, values: Mapping[str, Any]) -> SelectionSettings:
    """The page's values by name (a name left out returns to its default). Refused whole, with
    every problem named, when a value is bad. Steps recorded later and the checker use the new
    values; a case's 全委会征求意见 requirement was fixed at its 动议."""
    _no_looser_than_the_regulation(values)
    with transaction.atomic():
        settings, change, row = save_values(
            SelectionRuleSettings, with_overrides, LABELS, values, code=errors.SETTINGS_INVALID
        )
        if change["after"]:
            record_event(actor=actor, action=events.SETTINGS, obj=row, payload=change)
    row.forget()
    return settings
