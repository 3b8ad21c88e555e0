# Every stored counter stays within SQLite's 6-byte integers (CounterField.LIMIT), checked by the
# database now that 0006 has converted the stored values.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0006_counters_fixed_width_values'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='ballotbox',
            constraint=models.CheckConstraint(condition=models.Q(('received__gte', 0), ('received__lt', 139637976727552)), name='ballot_box_received_fixed_width'),
        ),
        migrations.AddConstraint(
            model_name='tally',
            constraint=models.CheckConstraint(condition=models.Q(('count__gte', 0), ('count__lt', 139637976727552)), name='ballot_tally_count_fixed_width'),
        ),
    ]
