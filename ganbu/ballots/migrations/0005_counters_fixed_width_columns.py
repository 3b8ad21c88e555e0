# The per-ballot counters become CounterField (bigint, stored as CounterField.OFFSET + the count,
# so their stored size never changes while voting). This migration changes the column type only;
# 0006 converts the stored values and 0007 adds the range checks once they hold.

import ganbu.ballots.models
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0004_ballot_settings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ballotbox',
            name='received',
            field=ganbu.ballots.models.CounterField(default=0),
        ),
        migrations.AlterField(
            model_name='tally',
            name='count',
            field=ganbu.ballots.models.CounterField(default=0),
        ),
    ]
