"""Offers and redemptions now belong to the spending app: forget them here, keep their tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_offers_and_redemptions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Redemption first: it points at Offer.
                migrations.DeleteModel(name="Redemption"),
                migrations.DeleteModel(name="Offer"),
            ],
            database_operations=[],
        ),
    ]
