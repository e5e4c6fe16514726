"""One index for idempotency keys instead of two; batches the database applies once per
statement; and the ledger's triggers and posting functions at their current version
(ledger/guarantees.py), which read the new column.

RunPython rather than RunSQL because the SQL differs between PostgreSQL and SQLite. Going back
removes the triggers.
"""

from django.conf import settings
from django.db import migrations, models

from ledger import guarantees


def reinstall(apps, schema_editor):
    guarantees.remove(schema_editor.connection)
    guarantees.install(schema_editor.connection)


def remove(apps, schema_editor):
    guarantees.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0004_transfer_kind_posted_covering'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='transfer',
            name='batch',
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='idempotency_key',
            field=models.CharField(max_length=200),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.CheckConstraint(condition=models.Q(('batch', False), models.Q(('phase', 'single'), ('reverses__isnull', True)), _connector='OR'), name='ledger_transfer_batch_is_single_phase'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.UniqueConstraint(fields=('idempotency_key',), name='ledger_transfer_idempotency_key_once'),
        ),
        migrations.RunPython(reinstall, remove),
    ]
