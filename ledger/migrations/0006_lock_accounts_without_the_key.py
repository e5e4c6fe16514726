"""The posting functions and the batch trigger lock accounts FOR NO KEY UPDATE instead of FOR
UPDATE, so a posting no longer blocks the foreign-key checks of other transactions on the same
accounts (see ledger/guarantees.py and timecredits/db.py).

Forward installs the current version of the guarantees; back installs the same SQL with the old
FOR UPDATE locks. Only PostgreSQL's functions lock; on SQLite there is nothing to change.
"""

from django.db import migrations

from ledger import guarantees

NO_KEY = "FOR NO KEY UPDATE;"
KEYED = "FOR UPDATE;"


def _reinstall(schema_editor, sql: str) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    guarantees.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql)


def forward(apps, schema_editor):
    _reinstall(schema_editor, guarantees.POSTGRES_INSTALL)


def backward(apps, schema_editor):
    _reinstall(schema_editor, guarantees.POSTGRES_INSTALL.replace(NO_KEY, KEYED))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_transfer_batch")]

    operations = [migrations.RunPython(forward, backward)]
