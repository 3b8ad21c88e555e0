"""The one service that changes the ballot engine's settings (models.BallotSettings): validated,
saved on the locked row, audited with the before and after of every changed field."""

from __future__ import annotations

from django.db import transaction
from django.forms.models import model_to_dict

from ganbu.audit.services import record_event
from ganbu.ballots import rules
from ganbu.ballots.models import BallotSettings
from ganbu.core.conf import changed_fields
from ganbu.org.models import User


@transaction.atomic
def ballot_settings_update(
    *,
    min_group_size: int,
    live_min: int,
    consult_denominator: str,
    unfit_warning_percent: int,
    second_round_percent: int,
    public_base_url: str,
    turnout: str = rules.TURNOUT,
    actor: User | None,
) -> BallotSettings:
    """Change the settings in force. New sessions take `min_group_size`, `live_min` and
    `consult_denominator` as their defaults; results computed from now on apply the two
    percentages; slips printed from now on carry `public_base_url`. No event when nothing changed."""
    row = BallotSettings.for_update()
    before = model_to_dict(row)
    row.min_group_size = min_group_size
    row.live_min = live_min
    row.consult_denominator = consult_denominator
    row.unfit_warning_percent = unfit_warning_percent
    row.second_round_percent = second_round_percent
    row.turnout = turnout
    row.public_base_url = public_base_url.strip().rstrip("/")
    row.full_clean()
    change = changed_fields(before, row)
    if not change["after"]:
        return row
    row.save(update_fields=[*change["after"], "updated_at"])
    record_event(actor=actor, action="ballots.settings_updated", obj=row, payload=change)
    row.forget()
    return row
