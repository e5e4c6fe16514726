"""The ledger's triggers were installed here until 0005 took over (see ledger/guarantees.py).

They now read a column that 0005 adds, so they cannot be installed this early: a new database
gets them from 0005, and in one migrated before, 0005 replaces what this step installed.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = []
