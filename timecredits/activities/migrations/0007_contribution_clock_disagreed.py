"""Contribution.clock_disagreed. SQLite adds a NOT NULL column by making the table again, which
drops the report facts' triggers on it (timecredits/reports/facts.py), so on SQLite they are
taken out first and put back after; PostgreSQL adds the column in place. The rows are copied
unchanged, so the facts they keep stay true."""

from django.db import migrations, models

from timecredits.reports import facts


def triggers_out(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        facts.remove(schema_editor.connection)


def triggers_in(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        facts.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0006_session_changes"),
        # The triggers are in place once this has run.
        ("reports", "0007_member_indexes_and_move_category"),
    ]

    operations = [
        migrations.RunPython(triggers_out, triggers_in),
        migrations.AddField(
            model_name="contribution",
            name="clock_disagreed",
            field=models.BooleanField(
                db_default=False,
                help_text=(
                    "Scanned offline by a phone whose clock disagreed with the code it scanned: "
                    "recorded at the time the code was shown."
                ),
            ),
        ),
        migrations.RunPython(triggers_in, triggers_out),
    ]
