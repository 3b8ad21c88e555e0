"""Data step of removing the head row (0004): nothing forward; on the way back, after 0004's reverse
has recreated the table, the head row is filled from the tail event so the old verification (head =
tail) holds again."""

from django.db import migrations

GENESIS_HASH = "0" * 64


def refill_head(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    tail = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, digest = tail if tail else (0, GENESIS_HASH)
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": digest})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(migrations.RunPython.noop, refill_head)]
