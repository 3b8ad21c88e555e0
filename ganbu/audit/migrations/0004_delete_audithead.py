"""Remove the head row: appends lock without UPDATE (an advisory lock on PostgreSQL, IMMEDIATE
transactions on SQLite) and read the previous hash from the tail, so the runtime role needs no
UPDATE on any audit table; truncation is caught against the anchors kept outside the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_audithead_refill_on_reverse")]
    operations = [migrations.DeleteModel(name="AuditHead")]
