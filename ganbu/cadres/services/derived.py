"""The derived fields of the cadre record (current post, rank, education, name keys) and the state
periods, kept in sync with the history records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.cadres.models import Appointment, Cadre, Education, RankRecord
from ganbu.cadres.periods import rebuild as periods_rebuild
from ganbu.cadres.periods import replace_for_cadre as replace_periods
from ganbu.cadres.rules import AppointmentFacts, derive_current
from ganbu.cadres.services.common import DERIVED_FIELDS
from ganbu.core.pinyin import name_keys


def cadre_refresh_derived(*, cadre: Cadre, on: date | None = None, periods: bool = True) -> Cadre:
    """Recompute current post/rank/education and search keys from the records; save them. With
    `periods` (the default) also replace the cadre's state periods (models.StatePeriod), which
    depend on the records and on the cadre's status and counted fields but not on the date, so the
    daily refresh skips them."""
    on = on or timezone.localdate()
    appointments = [
        AppointmentFacts(
            a.title, a.level, a.is_leadership, a.is_primary, a.started_on, a.ended_on, a.unit_id, a.pk
        )
        for a in cadre.appointments.all()
    ]
    ranks = [(r.rank, r.started_on, r.ended_on) for r in cadre.ranks.all()]
    educations = [(e.kind, e.education, e.degree, e.ended_on) for e in cadre.educations.all()]
    derived = derive_current(appointments=appointments, ranks=ranks, educations=educations, on=on)
    cadre.name_pinyin, cadre.name_initials, cadre.stroke_key = name_keys(cadre.name)
    if derived.unit_id:
        cadre.unit_id = derived.unit_id
    for field in DERIVED_FIELDS:
        setattr(cadre, field, getattr(derived, field))
    cadre.current_title = cadre.current_title[:200]  # several concurrent posts can exceed the column
    cadre.save(
        update_fields=["name_pinyin", "name_initials", "stroke_key", "unit", *DERIVED_FIELDS, "updated_at"]
    )
    if periods:
        replace_periods(cadre, appointments=appointments, ranks=ranks, educations=educations)
    return cadre


def state_periods_rebuild(*, cadre_ids: Iterable[int] | None = None) -> int:
    """Rebuild the state periods (models.StatePeriod) of `cadre_ids` from their records, or with
    None those of every cadre (the whole table, audited). For writers that bypass
    `cadre_refresh_derived` with bulk inserts (the Excel import, the demo seeder): call it with the
    ids written, in the same transaction. Returns the number of period rows written."""
    with transaction.atomic():
        written = periods_rebuild(cadre_ids=cadre_ids)
        if cadre_ids is None:
            record_event(actor=None, action="cadre.rebuild_state_periods", payload={"rows": written})
    return written


def cadres_refresh_due(*, since: date, today: date) -> int:
    """Refresh the derived fields of cadres with a record that took effect or ended in
    (since, today]: an appointment or rank starting, an appointment or rank ending the day before
    (so no longer current), an education completed. Derived fields are otherwise only recomputed on
    save, so a post entered in advance would stay 'future' in lists until this runs (daily)."""
    window_start = since + timedelta(days=1)
    started = Q(started_on__gte=window_start, started_on__lte=today)
    ended = Q(ended_on__gte=since, ended_on__lt=today)
    ids: set[int] = set()
    ids.update(Appointment.objects.filter(started | ended).values_list("cadre_id", flat=True))
    ids.update(RankRecord.objects.filter(started | ended).values_list("cadre_id", flat=True))
    ids.update(
        Education.objects.filter(ended_on__gte=window_start, ended_on__lte=today).values_list(
            "cadre_id", flat=True
        )
    )
    refreshed = 0
    for cadre in Cadre.objects.filter(pk__in=ids).iterator(chunk_size=500):
        with transaction.atomic():
            cadre_refresh_derived(cadre=cadre, on=today, periods=False)
        refreshed += 1
    if refreshed:
        with transaction.atomic():
            record_event(
                actor=None,
                action="cadre.refresh_derived",
                payload={"since": since, "today": today, "count": refreshed},
            )
    return refreshed
