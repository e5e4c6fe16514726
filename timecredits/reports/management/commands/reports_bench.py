"""`python manage.py reports_bench`: the programme dashboard's figures for a year, on PostgreSQL.

It (re)creates its own database (the one DATABASE_URL names, which must start with
`timecredits_bench`, so developers' data is never touched), migrates it, and generates one
programme's two years with set-based SQL (see `reports/management/bench_data.py`): by default
100,000 members, 2,000 organisations, 2 million contributions and 5 million transfers. It then
times:

a. the dashboard: `reports.services.programme_report` for the whole programme over the last 12
   months, as its commissioner (with disclosure control), the median of several runs after one
   warm-up;
b. the baseline: the fastest single hand-written SQL aggregate over the same rows, one
   `SELECT count(*), sum(minutes)` over the year's approved contributions, measured the same way.

The ratio is (a) / (b). The figures go to stdout and to var/bench/reports.json. The transfers are
loaded with the ledger's triggers off, so `ledger_verify` (and a check of the references the
triggers would have checked) must find the result clean; the run fails otherwise. The database
is dropped at the end.
"""

import datetime
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ledger.management.commands.ledger_bench import _bench_database, _drop, _recreate, _write
from timecredits.reports.management import bench_data

FULL = bench_data.Scale(
    members=100_000, organisations=2_000, contributions=2_000_000, transfers=5_000_000
)
QUICK = bench_data.Scale(members=2_000, organisations=40, contributions=40_000, transfers=100_000)
TARGET_SECONDS = 1.0
BASELINE_SQL = """
SELECT count(*), sum(c.minutes)
  FROM activities_contribution c
  JOIN activities_session s ON s.id = c.session_id
  JOIN activities_activity a ON a.id = s.activity_id
 WHERE a.programme_id = %s AND s.starts_at >= %s AND s.starts_at < %s AND c.status = 'approved'
"""


class Command(BaseCommand):
    help = (
        "Benchmark the programme dashboard's figures for a year against a hand-written SQL "
        "aggregate, on generated data in PostgreSQL. Recreates and drops the database "
        "DATABASE_URL names, which must start with 'timecredits_bench'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quick",
            action="store_true",
            help="A smoke test at a fiftieth of the size: 2,000 members, 100,000 transfers.",
        )
        parser.add_argument("--runs", type=int, default=5, help="Timed runs of each, after one.")
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "var" / "bench" / "reports.json")
        )
        parser.add_argument(
            "--keep-database", action="store_true", help="Leave the bench database for a look."
        )

    def handle(self, *args, **options):
        scale = QUICK if options["quick"] else FULL
        runs = options["runs"]
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        database = _bench_database()
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: every query is also logged, which slows the report.")

        self.stdout.write(f"Recreating {database['NAME']} and migrating it.")
        _recreate(database["NAME"])
        try:
            call_command("migrate", verbosity=0, interactive=False)
            results = self._run(scale, runs)
            _write(options["output"], results)
            self.stdout.write(f"Figures written to {options['output']}.")
        finally:
            if not options["keep_database"]:
                connection.close()
                _drop(database["NAME"])

    def _run(self, scale: bench_data.Scale, runs: int) -> dict:
        from timecredits.reports.services import programme_report

        anchor = timezone.localdate().replace(day=1)
        self.stdout.write(
            f"Generating {scale.members:,} members, {scale.organisations:,} organisations, "
            f"{scale.contributions:,} contributions and {scale.transfers:,} transfers over the "
            f"two years before {anchor}."
        )
        started = time.perf_counter()
        world = bench_data.generate(scale, anchor=anchor, log=self.stdout.write)
        generation = time.perf_counter() - started
        self.stdout.write(f"Generated in {generation:.1f} s: {_counts(world['rows'])}.")

        self.stdout.write("Checking the ledger as its triggers would have (ledger_verify).")
        started = time.perf_counter()
        problems = bench_data.verify()
        verification = time.perf_counter() - started
        if problems:
            raise CommandError(f"The generated ledger is not clean: {problems[:5]}")
        self.stdout.write(f"Ledger clean ({verification:.1f} s).")

        # A fresh session, so the measurements run with the server's own settings.
        connection.close()
        programme, commissioner = world["programme"], world["commissioner"]
        first_day = datetime.date(anchor.year - 1, anchor.month, 1)
        last_day = anchor - datetime.timedelta(days=1)

        def dashboard():
            return programme_report(
                actor=commissioner, programme=programme, period_start=first_day, period_end=last_day
            )

        since = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time()))
        until = timezone.make_aware(datetime.datetime.combine(anchor, datetime.time()))

        def baseline():
            with connection.cursor() as cursor:
                cursor.execute(BASELINE_SQL, [programme.pk, since, until])
                return cursor.fetchone()

        report, report_times = _timed(dashboard, runs)
        (approved, minutes), baseline_times = _timed(baseline, runs)
        with CaptureQueriesContext(connection) as queries:
            dashboard()
        figures = {figure["key"]: figure["value"] for figure in report["figures"]}
        if figures["hours_given"] != round(minutes / 60, 2):
            raise CommandError(
                f"The dashboard's hours given ({figures['hours_given']}) differ from the "
                f"baseline's ({minutes / 60:.2f}): they should count the same rows."
            )
        dashboard_s = statistics.median(report_times)
        baseline_s = statistics.median(baseline_times)
        ratio = dashboard_s / baseline_s
        verdict = "met" if dashboard_s < TARGET_SECONDS else "MISSED"
        self.stdout.write(
            f"Dashboard for {first_day} to {last_day} ({approved:,} approved contributions, "
            f"{len(queries)} queries): median {dashboard_s * 1000:.0f} ms of {runs} runs "
            f"(target under {TARGET_SECONDS * 1000:.0f} ms, {verdict}).\n"
            f"Baseline, one SELECT count(*), sum(minutes) over the same rows: median "
            f"{baseline_s * 1000:.1f} ms.\nRatio: {ratio:.1f} x the baseline."
        )
        return {
            "dashboard_seconds": round(dashboard_s, 4),
            "baseline_seconds": round(baseline_s, 4),
            "ratio": round(ratio, 2),
            "target_seconds": TARGET_SECONDS,
            "target_met": dashboard_s < TARGET_SECONDS,
            "dashboard_runs": [round(t, 4) for t in report_times],
            "baseline_runs": [round(t, 4) for t in baseline_times],
            "dashboard_queries": len(queries),
            "period": {"start": first_day.isoformat(), "end": last_day.isoformat()},
            "approved_contributions_in_period": approved,
            "hours_given": figures["hours_given"],
            "generation_seconds": round(generation, 1),
            "verification_seconds": round(verification, 1),
            "ledger_verify": "clean",
            "rows": world["rows"],
            "scale": scale._asdict(),
            "runs": runs,
        }


def _timed(work, runs: int):
    result = work()  # the warm-up, not counted
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return result, times


def _counts(rows: dict) -> str:
    return ", ".join(f"{n:,} {name}" for name, n in rows.items())
