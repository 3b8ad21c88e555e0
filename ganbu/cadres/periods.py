"""Writing the derived state periods (`models.StatePeriod`) from the history records.

`rules.state_periods` is the rule (derive_current on each date a record changes something); this
module loads the records it needs and writes its rows: for one cadre (called by
`services.cadre_refresh_derived`, inside the service's transaction), or in bulk for many or all
cadres (`rebuild`, used by the Excel import, the demo seeder, the data migration and
`manage.py rebuild_state_periods`). A bulk rebuild reads the history in chunks of cadres (one query
per table and chunk) and writes with COPY on PostgreSQL, executemany elsewhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import connections, transaction

from ganbu.cadres.rules import AppointmentFacts, state_periods

# The cadre's own fields copied into each period (what structure tables count besides the state).
CADRE_FIELDS = ("gender", "birth_date", "political_status", "ethnicity", "personnel_category")
COLUMNS = (
    "cadre_id",
    "valid_from",
    "valid_to",
    "unit_id",
    "main_appointment_id",
    "level",
    "is_leader",
    "rank",
    "highest_education",
    "fulltime_education",
    *CADRE_FIELDS,
)
ACTIVE = "active"  # models.CadreStatus.ACTIVE (a literal, so the migration's use does not import models)
CHUNK = 5000

RankFacts = tuple[str, date, date | None]
EducationFacts = tuple[str, str, str, date | None]


def period_rows(
    cadre_id: int,
    cadre_values: Sequence[Any],
    *,
    active: bool,
    appointments: Sequence[AppointmentFacts],
    ranks: Sequence[RankFacts],
    educations: Sequence[EducationFacts],
) -> list[tuple[Any, ...]]:
    """The rows (in COLUMNS order) of one cadre; `cadre_values` in CADRE_FIELDS order."""
    return [
        (
            cadre_id,
            p.valid_from,
            p.valid_to,
            p.unit_id,
            p.main_appointment_id,
            p.level,
            p.is_leader,
            p.rank,
            p.highest_education,
            p.fulltime_education,
            *cadre_values,
        )
        for p in state_periods(appointments=appointments, ranks=ranks, educations=educations, active=active)
    ]


def replace_for_cadre(
    cadre: Any,
    *,
    appointments: Sequence[AppointmentFacts],
    ranks: Sequence[RankFacts],
    educations: Sequence[EducationFacts],
) -> None:
    """Replace one cadre's periods (the records as `services.cadre_refresh_derived` loaded them)."""
    from ganbu.cadres.models import StatePeriod

    rows = period_rows(
        cadre.pk,
        [getattr(cadre, f) for f in CADRE_FIELDS],
        active=cadre.status == ACTIVE,
        appointments=appointments,
        ranks=ranks,
        educations=educations,
    )
    StatePeriod.objects.filter(cadre_id=cadre.pk).delete()
    StatePeriod.objects.bulk_create([StatePeriod(**dict(zip(COLUMNS, row, strict=True))) for row in rows])


def rebuild(
    *, cadre_ids: Iterable[int] | None = None, apps: Apps | None = None, using: str = "default"
) -> int:
    """Rebuild the periods of `cadre_ids` (None: of every cadre, replacing the whole table) from
    their records, in one transaction. Returns the number of rows written. `apps` is the
    migration's app registry when called from a data migration."""
    registry = apps or global_apps
    models = {
        name: registry.get_model("cadres", name)
        for name in ("Cadre", "Appointment", "RankRecord", "Education", "StatePeriod")
    }
    connection = connections[using]
    table = connection.ops.quote_name(models["StatePeriod"]._meta.db_table)
    written = 0
    with transaction.atomic(using=using):
        if cadre_ids is None:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"TRUNCATE {table}")
                else:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table name from model meta
        for chunk, ranged in _chunks(models["Cadre"], cadre_ids, using):
            if cadre_ids is not None:
                periods = models["StatePeriod"].objects.using(using)
                if ranged:
                    periods.filter(cadre_id__gte=chunk[0], cadre_id__lte=chunk[-1]).delete()
                else:
                    periods.filter(cadre_id__in=chunk).delete()
            rows = _chunk_rows(models, chunk, ranged, using)
            _insert(connection, table, rows)
            written += len(rows)
    return written


def _chunks(
    cadre_model: Any, cadre_ids: Iterable[int] | None, using: str
) -> Iterator[tuple[list[int], bool]]:
    """Lists of cadre ids, ascending; `True` with them when they are every cadre between the first
    and the last (so the history can be read by an id range: cheaper than a long IN list)."""
    if cadre_ids is not None:
        ids = sorted(set(cadre_ids))
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            yield chunk, chunk[-1] - chunk[0] + 1 == len(chunk)  # e.g. cadres just bulk-inserted
        return
    last = 0
    while True:
        ids = list(
            cadre_model.objects.using(using)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return
        yield ids, True
        last = ids[-1]


def _chunk_rows(models: dict[str, Any], ids: list[int], ranged: bool, using: str) -> list[tuple[Any, ...]]:
    def of(model: Any, field: str = "cadre_id") -> Any:
        manager = model.objects.using(using)
        if ranged:
            return manager.filter(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
        return manager.filter(**{f"{field}__in": ids})

    appointments: dict[int, list[AppointmentFacts]] = defaultdict(list)
    for cadre_id, *facts in (
        of(models["Appointment"])
        .order_by("cadre_id", "started_on", "id")
        .values_list(
            "cadre_id",
            "title",
            "level",
            "is_leadership",
            "is_primary",
            "started_on",
            "ended_on",
            "unit_id",
            "id",
        )
    ):
        appointments[cadre_id].append(AppointmentFacts(*facts))
    ranks: dict[int, list[RankFacts]] = defaultdict(list)
    for cadre_id, rank, started, ended in (
        of(models["RankRecord"])
        .order_by("cadre_id", "started_on", "id")
        .values_list("cadre_id", "rank", "started_on", "ended_on")
    ):
        ranks[cadre_id].append((rank, started, ended))
    educations: dict[int, list[EducationFacts]] = defaultdict(list)
    for cadre_id, kind, education, degree, ended in (
        of(models["Education"])
        .order_by("cadre_id", "started_on", "id")
        .values_list("cadre_id", "kind", "education", "degree", "ended_on")
    ):
        educations[cadre_id].append((kind, education, degree, ended))
    rows: list[tuple[Any, ...]] = []
    for cadre_id, status, *values in (
        of(models["Cadre"], "pk").order_by("pk").values_list("pk", "status", *CADRE_FIELDS)
    ):
        if cadre_id not in appointments:
            continue
        rows.extend(
            period_rows(
                cadre_id,
                values,
                active=status == ACTIVE,
                appointments=appointments[cadre_id],
                ranks=ranks.get(cadre_id, []),
                educations=educations.get(cadre_id, []),
            )
        )
    return rows


def _insert(connection: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: several times faster than INSERT for many rows
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(COLUMNS))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - names from model meta
            [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in rows],
        )
