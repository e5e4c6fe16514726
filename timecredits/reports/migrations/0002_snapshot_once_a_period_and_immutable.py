"""When a snapshot's build started; one snapshot per programme and period; and a ready snapshot
never changes: the triggers are in timecredits/reports/guarantees.py (RunPython because the SQL
differs between PostgreSQL and SQLite)."""

from django.db import migrations, models

from timecredits.reports import guarantees


def install(apps, schema_editor):
    guarantees.install(schema_editor.connection)


def remove(apps, schema_editor):
    guarantees.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='snapshot',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='snapshot',
            constraint=models.UniqueConstraint(fields=('programme', 'period_start', 'period_end'), name='snapshot_once_a_period'),
        ),
        migrations.RunPython(install, remove),
    ]
