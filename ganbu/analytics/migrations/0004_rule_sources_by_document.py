# The 依据 of the default rules names the document they come from, not the seed's number (issue 13).

from django.db import migrations

OLD = ("种子004(市级班子建设规划目标)", "种子004（市级班子建设规划目标）")
NEW = "《领导班子和干部队伍建设存在的问题》（市级班子建设规划目标）"


def forwards(apps, schema_editor):
    rules = apps.get_model("analytics", "CompositionRule")
    rules.objects.filter(source__in=OLD).update(source=NEW)


def backwards(apps, schema_editor):
    rules = apps.get_model("analytics", "CompositionRule")
    rules.objects.filter(source=NEW).update(source=OLD[1])


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_labels_full_width_punctuation"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
