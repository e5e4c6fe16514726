"""Reinstall the ledger's triggers and functions at their current version (ledger/guarantees.py).

A database migrated before gets the new posting functions; on a new one this replaces what 0002
installed with the same.
"""

from django.db import migrations

from ledger import guarantees


def reinstall(apps, schema_editor):
    guarantees.remove(schema_editor.connection)
    guarantees.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_transfer_kind_posted_covering")]

    operations = [migrations.RunPython(reinstall, reinstall)]
