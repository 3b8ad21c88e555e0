"""Fill the state periods of the cadres already in the registry (what `manage.py
rebuild_state_periods` does). The reverse empties the table.

It runs today's `periods.rebuild` with this migration's models; on a new database (no
appointments) it does nothing. If StatePeriod's columns ever change, make `fill` a no-op here and
fill again in the migration that changes them."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def fill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    alias = schema_editor.connection.alias
    if not apps.get_model("cadres", "Appointment").objects.using(alias).exists():
        return
    from ganbu.cadres.periods import rebuild

    rebuild(apps=apps, using=alias)


def empty(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("cadres", "StatePeriod").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("cadres", "0006_state_periods")]

    operations = [migrations.RunPython(fill, empty)]
