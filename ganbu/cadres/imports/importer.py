"""The two passes over a file's rows (see the package docstring): validate every row in chunks,
then, in the caller's transaction, validate again and write chunk by chunk."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import islice

from django.utils import timezone

from ganbu.cadres import services
from ganbu.cadres.imports.bulk import insert_many, update_many
from ganbu.cadres.imports.columns import CADRE_LOAD_FIELDS, CADRE_WRITE_FIELDS, HEADER_ORDER, SheetLayout
from ganbu.cadres.imports.matching import match_by_name
from ganbu.cadres.imports.planning import Planner
from ganbu.cadres.imports.rows import (
    Appt,
    Edu,
    Existing,
    Rank,
    Row,
    Writes,
    appointment_row,
    education_row,
    rank_row,
)
from ganbu.cadres.imports.validation import RowChecker
from ganbu.cadres.models import Appointment, Cadre, Education, RankRecord
from ganbu.core.spreadsheet import Cell, Reader, RowError, is_blank
from ganbu.org.models import Unit, User

CHUNK_ROWS = 1000
MAX_NOTES = 1000
ProgressFn = Callable[[int, int, str], None]


MAX_OUTCOMES = 5_000  # rows listed by name on the result page (all are counted)


class Importer:
    def __init__(
        self,
        reader: Reader,
        layout: SheetLayout,
        *,
        scope_unit: Unit,
        actor: User | None,
        max_errors: int | None,
        progress: ProgressFn | None,
    ) -> None:
        self.reader = reader
        self.layout = layout
        self.max_errors = max_errors
        self.progress = progress
        self.today = timezone.localdate()
        self.checker = RowChecker(scope_unit=scope_unit, actor=actor, today=self.today, layout=layout)
        self.planner = Planner(self.checker)
        self.total_estimate = max(0, reader.row_count(layout.sheet) - layout.header_row)
        self._reset()

    def _reset(self) -> None:
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows_seen = 0
        self.checker.seen_ids = {}
        self.checker.seen_cadres = {}
        self.checker.seen_keys = {}
        self.notes: list[RowError] = []  # what the result says about rows (matches, hints)
        self.note_count = 0
        self.matched_by_name = 0
        self.incomplete = 0
        self.created_ids: list[int] = []
        self.updated_ids: list[int] = []
        self.unchanged = 0
        # (行号, 姓名, 新增 / 更新 / 无变化) of the rows written, for the result page (at most MAX_OUTCOMES)
        self.outcomes: list[tuple[int, str, str]] = []
        self.would_create = 0
        self.would_update = 0

    # ---- passes ----------------------------------------------------------------------------------
    def run(self, *, write: bool, phase_offset: int = 0, phase_span: int = 1) -> None:
        """One pass over the rows: validate each chunk and, when `write` and no error has been
        found so far, write it. Progress is reported as rows of (phase_offset + done) / span."""
        self._reset()
        rows = self._data_rows()
        step = max(1, self.total_estimate // 50)
        next_report = step
        phase = "write" if write else "validate"
        while True:
            chunk = list(islice(rows, CHUNK_ROWS))
            if not chunk:
                break
            parsed = [self.checker.parse(self.layout, line, cells) for line, cells in chunk]
            self._attach_existing(parsed, with_history=write)
            for row in parsed:
                self.checker.validate(row)
                if row.errors:
                    self._add_errors(row)
                    continue
                self._add_notes(row)
                if row.existing is None:
                    self.would_create += 1
                else:
                    self.would_update += 1
            if write and not self.error_count:
                self._write(parsed)
            self.rows_seen += len(chunk)
            if self.progress and self.rows_seen >= next_report:
                next_report = self.rows_seen + step
                total = max(self.total_estimate, self.rows_seen)
                done = (phase_offset * total + self.rows_seen) // phase_span
                self.progress(done, total, phase)

    def _data_rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        header_row = self.layout.header_row
        indexes = list(self.layout.columns)
        for line, cells in self.reader.rows(self.layout.sheet):
            if line <= header_row:
                continue
            if all(is_blank(cells[i]) for i in indexes if i < len(cells)):
                continue
            yield line, cells

    def _add_errors(self, row: Row) -> None:
        for header, message in sorted(row.errors.items(), key=lambda kv: HEADER_ORDER.get(kv[0], 99)):
            self.error_count += 1
            if self.max_errors is None or len(self.errors) < self.max_errors:
                self.errors.append(RowError(row.line, self.layout.label(header), message))

    def _add_notes(self, row: Row) -> None:
        self.matched_by_name += row.matched_by_name
        self.incomplete += row.incomplete
        for message in row.notes:
            self.note_count += 1
            if len(self.notes) < MAX_NOTES:
                self.notes.append(RowError(row.line, self.layout.label("姓名"), message))

    # ---- existing records ------------------------------------------------------------------------
    def _attach_existing(self, rows: list[Row], *, with_history: bool) -> None:
        """Load the stored records of the chunk's 身份证号 (one query per table; .order_by() drops
        the models' default ordering, which costs PostgreSQL more than the query itself)."""
        ids = {r.id_number for r in rows if r.id_number and "身份证号" not in r.errors}
        found = (
            {
                c["id_number"]: Existing(c)
                for c in Cadre.objects.filter(id_number__in=ids).order_by().values(*CADRE_LOAD_FIELDS)
            }
            if ids
            else {}
        )
        for row in rows:
            row.existing = found.get(row.id_number) if row.id_number else None
        # rows no 身份证号 identifies: by 姓名 + 出生年月 + 单位
        by_pk = {e.cadre["id"]: e for e in found.values()}
        by_pk.update(match_by_name(self.checker, [r for r in rows if r.existing is None]))
        if by_pk:
            for pk, cadre_id, title, level, leader, primary, start, end, unit_id in (
                Appointment.objects.filter(cadre_id__in=by_pk)
                .order_by()
                .values_list(
                    "pk",
                    "cadre_id",
                    "title",
                    "level",
                    "is_leadership",
                    "is_primary",
                    "started_on",
                    "ended_on",
                    "unit_id",
                )
            ):
                by_pk[cadre_id].appointments.append(
                    Appt(pk, title, level, leader, primary, start, end, unit_id)
                )
            if with_history or self.layout.has("rank_since"):
                for pk, cadre_id, rank, start, end in (
                    RankRecord.objects.filter(cadre_id__in=by_pk)
                    .order_by()
                    .values_list("pk", "cadre_id", "rank", "started_on", "ended_on")
                ):
                    by_pk[cadre_id].ranks.append(Rank(pk, rank, start, end))
                for pk, cadre_id, kind, education, degree, end, school, major in (
                    Education.objects.filter(cadre_id__in=by_pk)
                    .order_by()
                    .values_list(
                        "pk", "cadre_id", "kind", "education", "degree", "ended_on", "school", "major"
                    )
                ):
                    by_pk[cadre_id].educations.append(Edu(pk, kind, education, degree, end, school, major))

    # ---- writing ---------------------------------------------------------------------------------
    def _write(self, rows: list[Row]) -> None:
        writes = Writes()
        first_created = len(self.created_ids)
        for row in rows:
            if row.existing is None:
                self.planner.plan_new(row, writes)
                outcome = "新增"
            else:
                self.updated_ids.append(row.existing.cadre["id"])
                outcome = "更新"
                if not self.planner.plan_update(row, writes):
                    self.unchanged += 1
                    outcome = "无变化"
            if len(self.outcomes) < MAX_OUTCOMES:
                self.outcomes.append((row.line, str(row.values.get("name") or ""), outcome))
        now = timezone.now()
        if writes.new_cadres:
            with_id = [state for state, _, _, _ in writes.new_cadres if state["id_number"]]
            insert_many(Cadre, with_id, now)
            pk_by_id = dict(
                Cadre.objects.filter(id_number__in=[state["id_number"] for state in with_id])
                .order_by()
                .values_list("id_number", "pk")
            )
            # without 身份证号 (a roster's 待补充 cadres, few): the ORM, which returns the new keys
            without_id = [state for state, _, _, _ in writes.new_cadres if not state["id_number"]]
            created = Cadre.objects.bulk_create([Cadre(**state) for state in without_id])
            pk_by_state = {id(state): cadre.pk for state, cadre in zip(without_id, created, strict=True)}
            for state, appts, ranks, edus in writes.new_cadres:
                pk = pk_by_id[state["id_number"]] if state["id_number"] else pk_by_state[id(state)]
                self.created_ids.append(pk)
                writes.appt_new.extend(appointment_row(pk, a) for a in appts)
                writes.rank_new.extend(rank_row(pk, r) for r in ranks)
                writes.edu_new.extend(education_row(pk, e) for e in edus)
        for changed, updates in writes.cadre_updates.items():
            update_many(Cadre, [CADRE_WRITE_FIELDS[i] for i in changed], updates, now)
        update_many(
            Appointment, ("level", "is_leadership", "started_on", "ended_on"), writes.appt_updates, now
        )
        update_many(RankRecord, ("rank", "started_on", "ended_on"), writes.rank_updates, now)
        update_many(Education, ("education", "degree", "school", "major"), writes.edu_updates, now)
        insert_many(Appointment, writes.appt_new, now)
        insert_many(RankRecord, writes.rank_new, now)
        insert_many(Education, writes.edu_new, now)
        # the state periods of the chunk's new and changed cadres (what cadre_refresh_derived
        # keeps for one cadre)
        services.state_periods_rebuild(cadre_ids=self.created_ids[first_created:] + writes.changed_ids)
