# What an LRMX file carries that the registry has no field for, kept with the record (issue 12),
# written by hand: one JSON field on Cadre (see cadres/lrmx/writing.py for its content).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0010_remove_import_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="cadre",
            name="lrmx_extras",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="LRMX 文件原文"),
        ),
    ]
