"""The ways in: `import_file` (a path, bytes or file object; the command and the tests),
`import_job_create` + `run_import` (the upload page, as a `core.Job` with progress)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.cadres.imports.columns import find_layout
from ganbu.cadres.imports.importer import Importer, ProgressFn
from ganbu.cadres.selectors import IMPORT_JOB
from ganbu.core.jobs import MAX_STORED_ERRORS, JobOutcome, JobProgress, job_create, job_run
from ganbu.core.models import Job
from ganbu.core.spreadsheet import ImportFileError, ImportResultBase, RowError, Source, digest, open_workbook
from ganbu.org.models import Unit, User
from ganbu.org.scoping import unit_in_scope
from ganbu.org.selectors import unit_by_path


@dataclass
class ImportResult(ImportResultBase):
    """The counts and errors of every import, and for a 干部名册 what the clerk must know although
    nothing is wrong: rows matched by 姓名 + 出生年月 + 单位 (not by 身份证号), columns recognised but
    not stored, cadres written with fields left empty (待补充)."""

    unit_word = "名"
    notes: list[RowError] = field(default_factory=list)
    outcomes: list[tuple[int, str, str]] = field(default_factory=list)  # (行号, 姓名, 新增/更新/无变化)
    note_count: int = 0
    matched_by_name: int = 0
    incomplete: int = 0

    @property
    def summary(self) -> str:
        text = super().summary
        if not self.ok:
            return text
        extra = []
        if self.matched_by_name:
            extra.append(f"其中 {self.matched_by_name} 名按姓名、出生年月、单位匹配到已有干部")
        if self.incomplete:
            extra.append(f"{self.incomplete} 名缺身份证号等信息，列入“待补充”")
        return f"{text}（{'；'.join(extra)}）" if extra else text


def _import(
    source: Source,
    *,
    unit: Unit,
    actor: User | None,
    filename: str,
    dry_run: bool,
    max_errors: int | None,
    progress: ProgressFn | None,
    job: Job | None = None,
    on_validated: Callable[[int], None] | None = None,
) -> ImportResult:
    started = time.perf_counter()
    result = ImportResult(filename=filename, sha256=digest(source), dry_run=dry_run)
    if actor is not None and not unit_in_scope(actor, unit):
        result.fail([RowError(None, "文件", "导入范围不在您的数据范围内")])
        return result
    try:
        reader = open_workbook(source)
    except ImportFileError as exc:
        result.fail(exc.errors)
        return result
    try:
        try:
            layout = find_layout(reader)
        except ImportFileError as exc:
            result.fail(exc.errors)
            return result
        importer = Importer(
            reader, layout, scope_unit=unit, actor=actor, max_errors=max_errors, progress=progress
        )
        ignored = [RowError(None, layout.label(c.header), c.note) for c in layout.ignored()]
        if layout.has("full_title") and not layout.has("title") and not layout.has("post_since"):
            ignored.append(
                RowError(
                    None,
                    layout.label("现任职务"),
                    "文件没有“任现职时间”列：现任职务只用于确定单位，未记为任职（任职须有任职时间），"
                    "请增加该列重新导入，或在干部档案中补充任职记录",
                )
            )
        span = 1 if dry_run else 2
        importer.run(write=False, phase_offset=0, phase_span=span)
        result.total_rows = importer.rows_seen
        if importer.error_count == 0 and importer.rows_seen == 0:
            result.fail([RowError(None, "文件", "文件中没有数据行")])
        elif importer.error_count:
            result.fail(importer.errors, importer.error_count)
        elif dry_run:
            result.created, result.updated = importer.would_create, importer.would_update
            _take_notes(result, importer, ignored)
        else:
            if on_validated is not None:
                on_validated(importer.rows_seen)
            with transaction.atomic():
                importer.run(write=True, phase_offset=1, phase_span=2)
                if importer.error_count:  # changed by someone else since the first pass
                    transaction.set_rollback(True)
                    result.fail(importer.errors, importer.error_count)
                else:
                    result.created = len(importer.created_ids)
                    result.updated = len(importer.updated_ids)
                    result.unchanged = importer.unchanged
                    result.outcomes = importer.outcomes
                    _take_notes(result, importer, ignored)
                    record_event(
                        actor=actor,
                        action="cadre.import",
                        obj=job if job is not None else unit,  # the job, or the unit imported into
                        object_label=filename[:200],
                        unit_path=unit.path,
                        payload={
                            "filename": filename,
                            "sha256": result.sha256,
                            "created": result.created,
                            "updated": result.updated,
                            "unchanged": result.unchanged,
                            "matched_by_name": result.matched_by_name,
                            "incomplete": result.incomplete,
                            "columns_not_imported": [e.column for e in ignored],
                            "cadre_ids": importer.created_ids + importer.updated_ids,
                        },
                    )
        return result
    finally:
        reader.close()
        result.seconds = time.perf_counter() - started


def _take_notes(result: ImportResult, importer: Importer, ignored: list[RowError]) -> None:
    result.notes = [*ignored, *importer.notes]
    result.note_count = len(ignored) + importer.note_count
    result.matched_by_name = importer.matched_by_name
    result.incomplete = importer.incomplete


def import_file(
    source: Source | IO[bytes],
    *,
    unit: Unit,
    actor: User | None,
    filename: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    max_errors: int | None = None,
) -> ImportResult:
    """Import one .xlsx file (a path, its bytes or a binary file object) into the subtree of `unit`
    (and of the actor's scope when an actor is given; None = system). All-or-nothing: the result
    lists every error, or the counts of what was written (dry_run: would be written)."""
    if hasattr(source, "read"):
        source = source.read()
    assert isinstance(source, bytes | str | os.PathLike)
    if not filename:
        filename = "" if isinstance(source, bytes) else Path(os.fspath(source)).name
    callback: ProgressFn | None = None
    if progress is not None:
        report = progress

        def callback(done: int, total: int, phase: str) -> None:
            report(done, total)

    return _import(
        source,
        unit=unit,
        actor=actor,
        filename=filename,
        dry_run=dry_run,
        max_errors=max_errors,
        progress=callback,
    )


def import_job_create(*, content: bytes, filename: str, dry_run: bool, actor: User) -> Job:
    """An uploaded file waiting to be imported into the actor's scope: a PENDING `core.Job` (run it
    with `run_import`), and the audit event of the upload."""
    if actor.scope_unit is None:
        raise PermissionDenied("账号没有数据范围")
    with transaction.atomic():
        job = job_create(
            kind=IMPORT_JOB,
            scope_path=actor.scope_unit.path,
            actor=actor,
            filename=filename,
            content=content,
            stored_name=f"{hashlib.sha256(content).hexdigest()[:16]}.xlsx",
            params={"dry_run": dry_run},
        )
        record_event(
            actor=actor,
            action="cadre.import.upload",
            obj=job,
            unit_path=job.scope_path,
            payload={"filename": job.filename, "dry_run": dry_run},
        )
    return job


def run_import(
    job: Job,
    *,
    actor: User | None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Job:
    """Run an uploaded registry import job (`core.jobs`): RUNNING with progress, then SUCCEEDED
    (counts), FAILED (`errors` = every bad row as {row, column, message}, at most 5,000 stored) or
    CRASHED (an unexpected error; nothing written)."""

    def work(job: Job, reporter: JobProgress) -> JobOutcome:
        source: Source
        try:
            source = job.file.path
        except NotImplementedError:  # non-filesystem storage
            with job.file.open("rb") as handle:
                source = handle.read()
        result = _import(
            source,
            unit=unit_by_path(job.scope_path),
            actor=actor,
            filename=job.filename,
            dry_run=dry_run,
            max_errors=MAX_STORED_ERRORS,
            progress=reporter,
            job=job,
            on_validated=lambda rows: reporter.set(rows // 2, rows, "校验通过，正在写入…"),
        )
        return JobOutcome(
            ok=result.ok,
            total=result.total_rows,
            created=result.created,
            updated=result.updated,
            errors=[e.as_dict() for e in result.errors],
            error_count=result.error_count,
            message="校验通过（试运行，未写入）" if dry_run and result.ok else "",
            result={
                "unchanged": result.unchanged,
                "dry_run": dry_run,
                "matched_by_name": result.matched_by_name,
                "incomplete": result.incomplete,
                "notes": [e.as_dict() for e in result.notes],
                "note_count": result.note_count,
                "outcomes": [{"row": r, "name": n, "outcome": o} for r, n, o in result.outcomes],
            },
        )

    return job_run(job, work, progress=progress, success_message="导入成功")
