"""批量任免审批表 as a background job (issue 13, item 7): a long batch returns at once, the job makes
the zip with its progress, the zip is downloaded as an audited export; scope and the national-form
rule hold on every page of it."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.cadres import batches
from ganbu.core.models import Job, JobStatus
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


@pytest.fixture
def media(settings: object, tmp_path: object) -> object:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def test_a_long_batch_runs_as_a_job_and_its_zip_is_an_audited_export(
    world: World, media: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "INLINE_MAX", 2)  # a long batch, made short for the test
    for i in range(batches.INLINE_MAX + 5):
        make_cadre(world.town_a, f"干部{i:02d}", political_status="13")
    client = _client(world, "clerk_a")
    response = client.get(reverse("cadres:forms_zip"))
    job = Job.objects.get(kind=batches.FORMS_JOB)
    assert response.status_code == 302 and response["Location"] == reverse("cadres:forms_job", args=[job.pk])
    asked = AuditEvent.objects.get(action="cadre.forms_batch")
    assert asked.payload["count"] == batches.INLINE_MAX + 5
    assert not AuditEvent.objects.filter(action="cadre.export").exists()  # nothing left the system yet
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.total_rows == batches.INLINE_MAX + 5
    page = client.get(reverse("cadres:forms_job", args=[job.pk])).content.decode()
    assert 'id="forms-download"' in page and "every 1s" not in page
    download = client.get(reverse("cadres:forms_job_download", args=[job.pk]))
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        names = archive.namelist()
    assert len(names) == batches.INLINE_MAX + 5 and all(n.endswith("任免审批表.docx") for n in names)
    export = AuditEvent.objects.get(action="cadre.export")
    assert export.payload["job"] == job.pk and export.payload["sha256"]


def test_a_short_batch_is_answered_at_once(world: World) -> None:
    for i in range(3):
        make_cadre(world.town_a, f"干部{i}", political_status="13")
    response = _client(world, "clerk_a").get(reverse("cadres:forms_zip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert not Job.objects.filter(kind=batches.FORMS_JOB).exists()


def test_a_running_job_is_polled_and_another_township_cannot_see_it(world: World, media: object) -> None:
    job = Job.objects.create(
        kind=batches.FORMS_JOB,
        scope_path=world.town_a.path,
        created_by=world.users["clerk_a"],
        filename="批量任免审批表（30 人）",
        params={"cadre_ids": [], "as_of": "2026-11-16"},
        status=JobStatus.RUNNING,
        total_rows=30,
        processed_rows=12,
    )
    page = _client(world, "clerk_a").get(reverse("cadres:forms_job", args=[job.pk])).content.decode()
    assert "every 1s" in page and "已生成 12 份" in page
    assert (
        _client(world, "clerk_a").get(reverse("cadres:forms_job_download", args=[job.pk])).status_code == 404
    )
    other = _client(world, "clerk_b")
    assert other.get(reverse("cadres:forms_job", args=[job.pk])).status_code == 404
    assert other.get(reverse("cadres:forms_job_download", args=[job.pk])).status_code == 404
    assert _client(world, "committee").get(reverse("cadres:forms_job", args=[job.pk])).status_code == 403
