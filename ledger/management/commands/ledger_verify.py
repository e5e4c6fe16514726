"""`python manage.py ledger_verify`: recompute every account from its transfers; exit 1 on drift."""

import json

from django.core.management.base import BaseCommand, CommandError

from ledger.verify import ledger_verify_and_record


class Command(BaseCommand):
    help = (
        "Recompute every account from its transfers and check totals, zero sum, running "
        "balances, floors, reversals and holds. Exits non-zero on any discrepancy."
    )

    def handle(self, *args, **options):
        run = ledger_verify_and_record()
        summary = f"Checked {run.accounts} accounts and {run.transfers} transfers"
        if run.ok:
            self.stdout.write(self.style.SUCCESS(f"{summary}: the ledger is clean."))
            return
        for problem in run.problems:
            self.stderr.write(json.dumps(problem))
        raise CommandError(f"{summary}: {len(run.problems)} problem(s) found.")
