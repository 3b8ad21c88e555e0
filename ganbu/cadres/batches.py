"""Long document batches as background jobs (`core.jobs`): the 批量任免审批表 of a filtered list.

A batch of more than `INLINE_MAX` forms (75 took 21 s in one request) becomes a job: the request
records what was asked for (event `cadre.forms_batch`: the count and the filters) and returns at
once; the job writes one .docx per cadre into a zip with its progress in the database; the page
polls it and offers the zip, whose download is an export like any other (`cadre.export`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from ganbu.audit.services import record_event
from ganbu.cadres.appointment_form import appointment_forms_zip
from ganbu.cadres.documents import forms_zip_name
from ganbu.cadres.models import Cadre
from ganbu.cadres.selectors import FORMS_JOB
from ganbu.core.jobs import JobOutcome, JobProgress, job_create, job_run, run_in_background
from ganbu.core.models import Job
from ganbu.org.models import User

INLINE_MAX = 20  # a batch this small is answered in the request
BATCH_MAX = 500  # the most forms one batch makes


def forms_batch_start(
    *, actor: User, cadre_ids: Sequence[int], as_of: date, filters: dict[str, Any], scope_path: str
) -> Job:
    """Record the batch asked for and start it in the background; returns the job."""
    job = job_create(
        kind=FORMS_JOB,
        scope_path=scope_path,
        actor=actor,
        filename=f"批量任免审批表（{len(cadre_ids)} 人）",
        params={"cadre_ids": list(cadre_ids), "as_of": as_of.isoformat()},
    )
    record_event(
        actor=actor,
        action="cadre.forms_batch",
        obj=job,
        unit_path=scope_path,
        payload={"count": len(cadre_ids), "filters": filters},
    )
    run_in_background(forms_batch_run, job)
    return job


def forms_batch_run(job: Job) -> Job:
    """Make the zip of the job's forms, in the order the list had, with progress."""

    def work(job: Job, reporter: JobProgress) -> JobOutcome:
        ids: list[int] = [int(pk) for pk in job.params.get("cadre_ids", [])]
        as_of = date.fromisoformat(str(job.params["as_of"]))
        by_pk = {c.pk: c for c in Cadre.objects.filter(pk__in=ids).select_related("unit")}
        cadres = [by_pk[pk] for pk in ids if pk in by_pk]  # a cadre deleted since is left out
        total = len(cadres)

        def each() -> Iterator[Cadre]:
            for done, cadre in enumerate(cadres, start=1):
                yield cadre
                reporter.set(done, total, f"已生成 {done} / {total} 份")

        content = appointment_forms_zip(each(), as_of=as_of)
        return JobOutcome(
            ok=True, total=total, created=total, output=content, output_name=forms_zip_name(as_of)
        )

    return job_run(job, work, success_message="任免审批表已生成")
