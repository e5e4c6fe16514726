"""A member's facts and moves indexed with everything a report narrowed by who the members are
reads of them (covering), so it reads those members' rows from the indexes alone; each spend's
fact with its offer's category, kept by a trigger on the offers as an offer is recategorised,
and indexed by category with its members in order; and every table of
`timecredits/reports/facts.py` filled again and every trigger put in place, with today's code
(0005 and 0006 leave that to this migration: a database they make has nothing to fill, and an
earlier migration that rebuilt with today's code would write a column not made yet)."""

from django.db import migrations, models

from timecredits.reports import facts


def install(apps, schema_editor):
    # `rebuild` makes the calendars' tables, fills every table, then puts every trigger in place.
    facts.rebuild(schema_editor.connection)


def remove(apps, schema_editor):
    facts.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_member_calendars"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="contributionfact",
            name="fact_member_at",
        ),
        migrations.RemoveIndex(
            model_name="movefact",
            name="move_member_at",
        ),
        migrations.AddField(
            model_name="movefact",
            name="category",
            field=models.CharField(max_length=16, null=True),
        ),
        migrations.AddIndex(
            model_name="contributionfact",
            index=models.Index(
                fields=["member", "at"],
                include=(
                    "programme",
                    "approved",
                    "check_in",
                    "minutes",
                    "earned",
                    "kind",
                    "session",
                    "organisation",
                ),
                name="fact_member_at",
            ),
        ),
        migrations.AddIndex(
            model_name="movefact",
            index=models.Index(
                fields=["member", "posted_at"],
                include=("programme", "kind", "amount", "venue", "category"),
                name="move_member_at",
            ),
        ),
        migrations.AddIndex(
            model_name="movefact",
            index=models.Index(
                condition=models.Q(("kind", "spend")),
                fields=["programme", "category", "member"],
                include=("posted_at", "amount"),
                name="move_spend_category_member",
            ),
        ),
        migrations.RunPython(install, remove),
    ]
