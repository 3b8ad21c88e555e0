"""Registry import jobs move to the kernel's generic background jobs (core.Job, kind "cadres.import").
Data only: every ImportJob row is copied with its file, progress, counts and errors; the unit
becomes the job's scope path. The model itself is removed by the next migration."""

from django.db import migrations

KIND = "cadres.import"


def forwards(apps, schema_editor):
    ImportJob = apps.get_model("cadres", "ImportJob")
    Job = apps.get_model("core", "Job")
    for old in ImportJob.objects.select_related("unit").order_by("id").iterator():
        job = Job.objects.create(
            kind=KIND,
            scope_path=old.unit.path,
            created_by_id=old.created_by_id,
            filename=old.filename,
            file=old.file.name if old.file else "",
            status=old.status,
            total_rows=old.total_rows,
            processed_rows=old.processed_rows,
            created_count=old.created_count,
            updated_count=old.updated_count,
            errors=old.errors,
            message=old.message,
            finished_at=old.finished_at,
        )
        Job.objects.filter(pk=job.pk).update(created_at=old.created_at, updated_at=old.updated_at)


def backwards(apps, schema_editor):
    ImportJob = apps.get_model("cadres", "ImportJob")
    Job = apps.get_model("core", "Job")
    Unit = apps.get_model("org", "Unit")
    units = dict(Unit.objects.values_list("path", "id"))
    for job in Job.objects.filter(kind=KIND).order_by("id").iterator():
        if job.scope_path not in units:
            continue
        old = ImportJob.objects.create(
            unit_id=units[job.scope_path],
            created_by_id=job.created_by_id,
            filename=job.filename,
            file=job.file.name if job.file else "",
            status=job.status,
            total_rows=job.total_rows,
            processed_rows=job.processed_rows,
            created_count=job.created_count,
            updated_count=job.updated_count,
            errors=job.errors,
            message=job.message,
            finished_at=job.finished_at,
        )
        ImportJob.objects.filter(pk=old.pk).update(created_at=job.created_at, updated_at=job.updated_at)
    Job.objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0008_labels_full_width_punctuation"),
        ("core", "0001_jobs"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
