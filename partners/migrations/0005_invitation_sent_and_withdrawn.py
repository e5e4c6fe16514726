import django.utils.timezone
from django.db import migrations, models


def sent_when_created(apps, schema_editor):
    """An invitation made before this was last sent when it was made."""
    Invitation = apps.get_model("partners", "Invitation")
    Invitation.objects.update(sent_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_offers_and_redemptions_move_to_spending"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="sent_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(sent_when_created, migrations.RunPython.noop, elidable=True),
        migrations.AddField(
            model_name="invitation",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
