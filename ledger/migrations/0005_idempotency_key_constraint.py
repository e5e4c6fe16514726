"""One index for idempotency keys instead of two, and the ledger's triggers and posting functions
at their current version (ledger/guarantees.py): a database migrated before gets
ledger_post_one; on a new one this replaces what 0002 installed with the same.

RunPython rather than RunSQL because the SQL differs between PostgreSQL and SQLite.
"""

from django.conf import settings
from django.db import migrations, models

from ledger import guarantees


def reinstall(apps, schema_editor):
    guarantees.remove(schema_editor.connection)
    guarantees.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_transfer_kind_posted_covering"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="transfer",
            name="idempotency_key",
            field=models.CharField(max_length=200),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.UniqueConstraint(
                fields=("idempotency_key",), name="ledger_transfer_idempotency_key_once"
            ),
        ),
        migrations.RunPython(reinstall, reinstall),
    ]
