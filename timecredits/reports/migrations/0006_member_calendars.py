"""Each member's calendar in each programme and each session's totals (`reports.calendars`,
PostgreSQL), kept by triggers on the facts and filled from them; and the moves of credits read
by member, as a calendar is worked out again."""

from django.db import migrations, models

from timecredits.reports import calendars, facts


def install(apps, schema_editor):
    # Left to 0007, which makes the calendars' tables, fills every table and puts every trigger
    # in place with today's code (this migration once did, before 0007 added a column).
    pass


def remove(apps, schema_editor):
    connection = schema_editor.connection
    facts.remove(connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in calendars.DROP:
                cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0008_month_end_balances'),
        ('members', '0005_user_language'),
        ('partners', '0006_invitation_emailed'),
        ('programmes', '0002_populationfigure'),
        ('reports', '0005_member_starts'),
        ('spending', '0002_schedule_follows_the_task'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='movefact',
            index=models.Index(fields=['member', 'posted_at'], name='move_member_at'),
        ),
        migrations.AddIndex(
            model_name='movefact',
            index=models.Index(condition=models.Q(('kind', 'spend')), fields=['programme', 'venue', 'member'], include=('posted_at', 'amount'), name='move_spend_venue_member'),
        ),
        migrations.RunPython(install, remove),
    ]
