"""Searches of the registry by 身份证号: audited and limited per user.

A search by the whole number, or by its first digits, tells whether a person is in the registry
and where they work: each one writes the event `cadre.lookup_id_number` (whether it matched, the
number masked and as a keyed digest, never the number itself) and a user may run at most
`rules.ID_LOOKUP_MAX` of them in `rules.ID_LOOKUP_WINDOW_MINUTES`. Roles without
`cadres.view_sensitive` may not search by number at all (the answer would tell them a number they
may not see).

The count is taken from the audit log itself (the user's own lookup events, found through the
object index), after this lookup's event is appended and inside its transaction: appends are
serialised until commit (`audit.services.record_event`), so simultaneous requests of one user are
counted one after another and never all slip under the limit. Over the limit the transaction rolls
back: the refused search leaves no event (it is logged on the server, without the number).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ganbu.audit.selectors import events_for_object
from ganbu.audit.services import record_event
from ganbu.cadres import rules
from ganbu.cadres.errors import ID_LOOKUP_FORBIDDEN, ID_LOOKUP_LIMITED
from ganbu.org.models import User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import scope_path

logger = logging.getLogger(__name__)

LOOKUP_ACTION = "cadre.lookup_id_number"
LOOKUP_OBJECT_TYPE = "cadres.id_lookup"  # the events' object is the searching user (indexed)
FORBIDDEN_MESSAGE = "您的角色不能按身份证号查询干部（身份证号仅对组织部、乡镇、部门角色可见）"


def lookup_digest(query: str) -> str:
    """A keyed SHA-256 (HMAC with SECRET_KEY) of the searched number: who holds the key can check
    whether a given number was searched; a copy of the audit log alone cannot recover it (a plain
    SHA-256 of an 18-digit number falls to a search over birth dates and sequence numbers)."""
    key = f"ganbu.cadres.lookup:{settings.SECRET_KEY}".encode()
    return hmac.new(key, query.strip().upper().encode(), hashlib.sha256).hexdigest()


def lookups_in_window(actor: User) -> int:
    """The actor's searches by 身份证号 in the current window (rules.ID_LOOKUP_WINDOW_MINUTES)."""
    since = timezone.now() - timedelta(minutes=rules.ID_LOOKUP_WINDOW_MINUTES)
    return (
        events_for_object(prefix=None, object_type=LOOKUP_OBJECT_TYPE, object_id=str(actor.pk))
        .filter(action=LOOKUP_ACTION, created_at__gte=since)
        .count()
    )


def id_number_lookup_record(*, actor: User, query: str, matched: bool) -> None:
    """Record one search by 身份证号 (`query`: the whole number or its first digits) and enforce
    the limits. Raises ValidationError with a Chinese message: code ID_LOOKUP_FORBIDDEN for a role
    that may not see 身份证号, ID_LOOKUP_LIMITED over rules.ID_LOOKUP_MAX searches in the window
    (then nothing is recorded and the caller shows no result)."""
    if not has_capability(actor, "cadres.view_sensitive"):
        raise ValidationError({"q": FORBIDDEN_MESSAGE}, code=ID_LOOKUP_FORBIDDEN)
    number = query.strip().upper()
    limit, minutes = rules.ID_LOOKUP_MAX, rules.ID_LOOKUP_WINDOW_MINUTES
    with transaction.atomic():
        record_event(
            actor=actor,
            action=LOOKUP_ACTION,
            object_type=LOOKUP_OBJECT_TYPE,
            object_id=str(actor.pk),
            object_label=actor.username,
            unit_path=scope_path(actor) or "",
            payload={
                "kind": "exact" if len(number) == 18 else "prefix",
                "matched": matched,
                "masked": rules.mask_id_number(number),
                "hmac_sha256": lookup_digest(number),
            },
        )
        if not rules.id_lookup_allowed(lookups_in_window(actor), limit):
            logger.warning(
                "id-number lookup refused for user %s: over %s in %s min", actor.pk, limit, minutes
            )
            raise ValidationError(
                {"q": rules.id_lookup_refused_message(limit, minutes)}, code=ID_LOOKUP_LIMITED
            )
