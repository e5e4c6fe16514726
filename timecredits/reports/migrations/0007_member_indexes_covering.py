"""A member's facts and moves indexed with everything a report narrowed by who the members are
reads of them, so it reads those members' rows from the indexes alone."""

from django.db import migrations, models


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
                include=("programme", "kind", "amount", "venue", "offer"),
                name="move_member_at",
            ),
        ),
    ]
