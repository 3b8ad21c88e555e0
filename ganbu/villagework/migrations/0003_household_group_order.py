# 村民小组 sorted by their numbers (一组 < 二组 < 十组): a stored sort key kept with the name.

from django.db import migrations, models

import ganbu.villagework.rules


def fill(apps, schema_editor):
    household = apps.get_model("villagework", "Household")
    rows = list(household.objects.only("id", "group_name"))
    for row in rows:
        row.group_order = ganbu.villagework.rules.group_order(row.group_name)
    household.objects.bulk_update(rows, ["group_order"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("villagework", "0002_labels_full_width_punctuation"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="group_order",
            field=models.PositiveIntegerField(default=100000, editable=False, verbose_name="小组序号"),
        ),
        migrations.AlterModelOptions(
            name="household",
            options={
                "ordering": ["village", "group_order", "group_name", "head_pinyin", "id"],
                "verbose_name": "农户",
                "verbose_name_plural": "农户",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
