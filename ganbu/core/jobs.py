"""Background work (large imports, batches of documents): one `Job` row per piece of work, run on a
daemon thread of the web process, with its progress kept in the database so any worker can show it.
Set GANBU_JOBS_SYNC (tests) to run inline.

Why not a task queue: the county intranet default is one process with SQLite and no broker. A job
interrupted by a restart is left RUNNING; `stale_jobs_fail` marks such jobs as crashed when their
page is next opened.

The life of a job: `job_create` (PENDING, with its input file) → `start_in_background` →
`job_run(job, work)`: RUNNING, `work(job, progress)` does the work and returns a `JobOutcome`
(SUCCEEDED with counts and maybe an output file, or FAILED with every error), any exception ends
it CRASHED with nothing written by the work (which runs its writes in a transaction).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections
from django.db.models import QuerySet
from django.utils import timezone

from ganbu.core.models import Job, JobStatus

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 5000
STALE_AFTER = timedelta(hours=6)


def run_in_background(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    if getattr(settings, "GANBU_JOBS_SYNC", False):
        fn(*args, **kwargs)
        return

    def target() -> None:
        close_old_connections()
        try:
            fn(*args, **kwargs)
        except Exception:  # the job function records its own failure; this is a last resort
            logger.exception("background job failed")
        finally:
            connections.close_all()

    threading.Thread(target=target, daemon=True, name="ganbu-job").start()


def job_create(
    *,
    kind: str,
    scope_path: str,
    actor: Any,
    filename: str = "",
    content: bytes | None = None,
    stored_name: str = "",
    params: dict[str, Any] | None = None,
) -> Job:
    """A PENDING job, with its uploaded file stored under `stored_name` when given. The caller
    records the audit event of the request (the upload, the batch asked for)."""
    job = Job(
        kind=kind,
        scope_path=scope_path,
        created_by=actor if getattr(actor, "pk", None) else None,
        filename=filename[:255],
        params=params or {},
    )
    if content is not None:
        job.file.save(stored_name or filename, ContentFile(content), save=False)
    job.full_clean()
    job.save()
    return job


@dataclass
class JobOutcome:
    ok: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0  # may exceed len(errors)
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    output: bytes | None = None
    output_name: str = ""


ProgressFn = Callable[[int, int, str], None]


class JobProgress:
    """Writes processed/total with a single UPDATE (callers report at most every ~2%). During the
    "write" phase the work's own transaction would hide the row until commit, so on databases that
    allow a second writer (PostgreSQL) a separate autocommit connection is used; on SQLite (one
    writer) the row keeps the state set before the transaction until the end. Progress never
    breaks a job: a failing side update just stops the side updates."""

    def __init__(self, job: Job, user_progress: Callable[[int, int], None] | None = None) -> None:
        self.job = job
        self.user_progress = user_progress
        self.side: Any = None
        # Inside a caller's transaction our own UPDATEs of the job row hold its lock until that
        # transaction ends: a second connection would wait for it forever.
        self.use_side = connection.vendor != "sqlite" and not connection.in_atomic_block

    def _execute(self, conn: Any, processed: int, total: int, message: str) -> None:
        table = connection.ops.quote_name(Job._meta.db_table)
        with conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET processed_rows = %s, total_rows = %s, message = %s WHERE id = %s",  # noqa: S608
                [processed, total, message, self.job.pk],
            )

    def __call__(self, done: int, total: int, phase: str) -> None:
        message = {"validate": "正在校验…", "write": "正在写入…"}.get(phase, phase)
        if phase != "write":  # outside the work's transaction
            Job.objects.filter(pk=self.job.pk).update(processed_rows=done, total_rows=total, message=message)
        elif self.use_side:
            try:
                if self.side is None:
                    self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                    if self.side.vendor == "postgresql":
                        with self.side.cursor() as cursor:
                            cursor.execute("SET lock_timeout = '2s'")
                self._execute(self.side, done, total, message)
            except Exception:
                logger.warning("job %s: progress update failed", self.job.pk, exc_info=True)
                self.use_side = False
        if self.user_progress is not None:
            self.user_progress(done, total)

    def set(self, processed: int, total: int, message: str) -> None:
        Job.objects.filter(pk=self.job.pk).update(processed_rows=processed, total_rows=total, message=message)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def job_run(
    job: Job,
    work: Callable[[Job, JobProgress], JobOutcome],
    *,
    progress: Callable[[int, int], None] | None = None,
    success_message: str = "",
) -> Job:
    """Run `work` for the job: RUNNING, then SUCCEEDED, FAILED (every error stored, up to
    MAX_STORED_ERRORS) or CRASHED (an unexpected exception; the work wrote nothing)."""
    job.status = JobStatus.RUNNING
    job.processed_rows = 0
    job.errors = []
    job.message = "正在处理…"
    job.save(update_fields=["status", "processed_rows", "errors", "message", "updated_at"])
    reporter = JobProgress(job, progress)
    try:
        outcome = work(job, reporter)
    except Exception as exc:
        logger.exception("job %s crashed", job.pk)
        job.status = JobStatus.CRASHED
        job.message = f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at", "updated_at"])
        return job
    finally:
        reporter.close()
    job.total_rows = outcome.total
    job.finished_at = timezone.now()
    job.result = outcome.result
    if outcome.ok:
        job.status = JobStatus.SUCCEEDED
        job.processed_rows = outcome.total
        job.created_count, job.updated_count = outcome.created, outcome.updated
        job.message = outcome.message or success_message
        job.errors = []
        if outcome.output is not None:
            job.output.save(outcome.output_name or f"job-{job.pk}", ContentFile(outcome.output), save=False)
    else:
        job.status = JobStatus.FAILED
        job.created_count = job.updated_count = 0
        job.errors = outcome.errors[:MAX_STORED_ERRORS]
        count = max(outcome.error_count, len(outcome.errors))
        job.message = outcome.message or (
            f"共 {count} 处错误，仅保存前 {len(job.errors)} 处。" if count > len(job.errors) else ""
        )
    job.save(
        update_fields=[
            "status",
            "total_rows",
            "processed_rows",
            "created_count",
            "updated_count",
            "result",
            "errors",
            "message",
            "finished_at",
            "output",
            "updated_at",
        ]
    )
    return job


def stale_jobs_fail(*, kind: str, now: Any = None) -> int:
    """Jobs of `kind` left RUNNING or PENDING longer than STALE_AFTER (the process that ran them
    was restarted) are marked crashed; returns how many."""
    now = now or timezone.now()
    return Job.objects.filter(
        kind=kind, status__in=[JobStatus.PENDING, JobStatus.RUNNING], updated_at__lt=now - STALE_AFTER
    ).update(status=JobStatus.CRASHED, message="任务中断（服务曾重启），请重新提交", finished_at=now)


def jobs_of_kind(kind: str) -> QuerySet[Job]:
    """Jobs of one kind, newest first (the caller restricts them to the reader's scope with
    `org.scoping.filter_by_scope(..., "scope_path")`)."""
    return Job.objects.filter(kind=kind).select_related("created_by")
