"""Load the national standard code tables (data migration; schema lives in 0001)."""

from django.db import migrations

from ganbu.org.codes import CODE_TABLES


def load(apps, schema_editor):
    CodeTable = apps.get_model("org", "CodeTable")
    CodeItem = apps.get_model("org", "CodeItem")
    for key, (name, standard, items) in CODE_TABLES.items():
        table, _ = CodeTable.objects.get_or_create(key=key, defaults={"name": name, "standard": standard})
        for order, item in enumerate(items):
            code, label = item[0], item[1]
            group = item[2] if len(item) > 2 else ""
            CodeItem.objects.get_or_create(
                table=table, code=code, defaults={"name": label, "group": group, "sort_order": order}
            )


def unload(apps, schema_editor):
    CodeTable = apps.get_model("org", "CodeTable")
    CodeTable.objects.filter(key__in=list(CODE_TABLES)).delete()


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
