"""Install the ledger's triggers (see ledger/guarantees.py).

RunPython rather than RunSQL because the SQL differs between PostgreSQL and SQLite.
"""

from django.db import migrations

from ledger import guarantees


def install(apps, schema_editor):
    guarantees.install(schema_editor.connection)


def remove(apps, schema_editor):
    guarantees.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
