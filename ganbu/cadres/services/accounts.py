"""A cadre's own login (e.g. a 驻村干部's phone account)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.cadres.errors import ACCOUNT_TAKEN
from ganbu.cadres.models import Cadre
from ganbu.cadres.selectors import cadre_of_account
from ganbu.cadres.services.common import require_scope
from ganbu.org.models import Unit, User


def cadre_link_account(
    *, cadre: Cadre, user: User | None, actor: User | None, scope_unit: Unit | None = None
) -> Cadre:
    """Link (or with `user=None` unlink) the cadre's own login, e.g. a 驻村干部's phone account.

    The actor must have `scope_unit` (e.g. the village a county-department cadre is stationed in)
    or, by default, the cadre's own unit in scope."""
    require_scope(actor, scope_unit or cadre.unit)
    if user is not None and Cadre.objects.filter(account=user).exclude(pk=cadre.pk).exists():
        raise ValidationError({"account": "该账号已关联其他干部"}, code=ACCOUNT_TAKEN)
    with transaction.atomic():
        before = cadre.account_id
        cadre.account = user
        cadre.save(update_fields=["account", "updated_at"])
        record_event(
            actor=actor,
            action="cadre.account",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={"before": before, "after": user.pk if user else None},
        )
    return cadre


# A read, kept under its old name for the apps that import it from here (villagework); new code
# uses `cadres.selectors.cadre_of_account`.
cadre_of_user = cadre_of_account
