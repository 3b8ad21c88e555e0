"""Scope-walk fixtures for the registry's own special cases (see home/tests/scope_fixtures.py):
a finished 批量任免审批表 job and a finished LRMX import of 乙乡 (the job pages fetch jobs of their
own kind only)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db.models import Model

from ganbu.cadres.batches import FORMS_JOB
from ganbu.cadres.lrmx_views import LRMX_JOB
from ganbu.core.models import Job, JobStatus
from ganbu.testing.world import World

MARKER = "越权标记"


def _forms_job(world: World) -> tuple[Model, str]:
    job = Job(
        kind=FORMS_JOB,
        scope_path=world.town_b.path,
        created_by=world.users["clerk_b"],
        filename=f"{MARKER}批量任免审批表（1 人）",
        params={"cadre_ids": [], "as_of": "2026-11-16"},
        status=JobStatus.SUCCEEDED,
        total_rows=1,
        processed_rows=1,
    )
    job.output.save(f"scope-walk-{MARKER}.zip", ContentFile(MARKER.encode()), save=False)
    job.save()
    return job, MARKER


def _lrmx_job(world: World) -> tuple[Model, str]:
    entry = {"name": f"{MARKER}.lrmx", "archive": "", "outcome": "failed", "message": MARKER}
    job = Job.objects.create(
        kind=LRMX_JOB,
        scope_path=world.town_b.path,
        created_by=world.users["clerk_b"],
        filename=f"{MARKER}.zip",
        params={"unit": world.town_b.pk, "unit_name": world.town_b.name, "personnel_category": "1"},
        status=JobStatus.SUCCEEDED,
        total_rows=1,
        processed_rows=1,
        result={"files": [entry], "counts": {"failed": 1}},
    )
    return job, MARKER


ROUTE_FIXTURES: dict[str, Callable[[World], tuple[Model, str]]] = {
    "cadres:forms_job": _forms_job,
    "cadres:forms_job_download": _forms_job,
    "cadres:lrmx_import_job": _lrmx_job,
}
