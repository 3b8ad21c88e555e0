# Existing counters (plain counts, written before 0005) are converted to the fixed-width encoding
# of CounterField, and back on reverse. The conversion is an UPDATE on the stored values, with the
# expressions CounterField defines (an ORM read would decode values that are not yet encoded).

from django.db import migrations
from django.db.models import F

from ganbu.ballots.models import CounterField


def encode(apps, schema_editor):
    apps.get_model('ballots', 'Tally').objects.update(count=CounterField.encode_stored(F('count')))
    apps.get_model('ballots', 'BallotBox').objects.update(received=CounterField.encode_stored(F('received')))


def decode(apps, schema_editor):
    apps.get_model('ballots', 'Tally').objects.update(count=CounterField.decode_stored(F('count')))
    apps.get_model('ballots', 'BallotBox').objects.update(received=CounterField.decode_stored(F('received')))


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0005_counters_fixed_width_columns'),
    ]

    operations = [
        migrations.RunPython(encode, decode),
    ]
