"""`python manage.py reports_bench`: the programme dashboard's figures for a year, on PostgreSQL.

It (re)creates its own database (the one DATABASE_URL names, which must start with
`timecredits_bench`, so developers' data is never touched), migrates it, and generates one
programme's two years with set-based SQL (see `timecredits/bench/reports_data.py`): by default
100,000 members, 2,000 organisations, 2 million contributions and 5 million transfers. It then
times:

a. the live dashboard: `reports.use_cases.outputs.programme_report` for the whole programme over
   the last 12 months, as its commissioner (with disclosure control), computed for the request
   because the worker has kept no figures yet; the median of several runs after one warm-up;
b. the worker's refresh of that year (`reports.tasks.refresh_outputs_rollup`, what django-q2
   runs every few minutes for each standard period), measured the same way;
c. the dashboard served from the worker's figures (the same call once they are kept);
d. the baseline: the fastest single hand-written SQL aggregate over the same rows, one
   `SELECT count(*), sum(minutes)` over the year's approved contributions, measured the same way;
e. the same year narrowed by one organisation, by one area and by one age band, and 45 custom
   days, each computed for the request (`filtered`, each with its ratio to the baseline; the
   target is at most 2 x).

Each of (a), (b) and (c) is given as a ratio to (d); the target (under a second) is for what the
dashboard serves, (c). The figures go to stdout and to var/bench/reports.json. The transfers are
loaded with the ledger's triggers off, so `ledger_verify` (and a check of the references the
triggers would have checked) must find the result clean; the run fails otherwise. Every month
end's balances are then kept, as the worker keeps them daily, and on generated data every
filtered report must read the same from them as from today's balances before anything is
timed. The database is dropped at the end.
"""

import contextlib
import datetime
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.backends.signals import connection_created
from django.utils import timezone

from ledger.tasks import keep_month_ends
from timecredits.bench import reports_data
from timecredits.bench.database import bench_database, fresh_database
from timecredits.bench.figures import add_output_arguments, figures_write

FULL = reports_data.Scale(
    members=100_000, organisations=2_000, contributions=2_000_000, transfers=5_000_000
)
QUICK = reports_data.Scale(members=2_000, organisations=40, contributions=40_000, transfers=100_000)
TARGET_SECONDS = 1.0
FILTERED_TARGET_RATIO = 2.0
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
        add_output_arguments(parser, filename="reports.json")
        parser.add_argument(
            "--reuse-database",
            action="store_true",
            help="Time the programme in a database an earlier --keep-database run left, without "
            "generating it again (it is kept).",
        )

    def handle(self, *args, **options):
        scale = QUICK if options["quick"] else FULL
        runs = options["runs"]
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        database = bench_database()
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: every query is also logged, which slows the report.")

        if options["reuse_database"]:
            self.stdout.write(f"Reusing {database['NAME']} as an earlier run left it.")
            results = self._run(scale, runs, reuse=True)
        else:
            with fresh_database(database, write=self.stdout.write, keep=options["keep_database"]):
                results = self._run(scale, runs)
        figures_write(options["output"], results)
        self.stdout.write(f"Figures written to {options['output']}.")

    def _month_ends(self, programme, first_day, last_day, *, check: bool) -> tuple[int, float]:
        """Keep every month end's balances, as the worker does daily (a generated history has
        two years to catch up on). With `check`, every filtered report and one period ending
        days before a month end must read the same from them as from today's balances."""
        from timecredits.reports.use_cases.outputs import programme_report

        reports = _filters(programme, first_day, last_day)
        middle = reports["custom_45_days"]["period_start"]
        reports["days_before_a_month_end"] = {
            **reports["custom_45_days"],
            "period_end": (middle + datetime.timedelta(days=60)).replace(day=1)
            - datetime.timedelta(days=4),
        }
        before = (
            {name: programme_report(**asked) for name, asked in reports.items()} if check else {}
        )
        started = time.perf_counter()
        kept = keep_month_ends()
        keeping = time.perf_counter() - started
        self.stdout.write(f"Month ends kept: {kept} ({keeping:.1f} s).")
        for name, report in before.items():
            after = programme_report(**reports[name])
            if (after["figures"], after["tables"]) != (report["figures"], report["tables"]):
                raise CommandError(f"The {name} report differs when read from the month ends.")
        if check:
            self.stdout.write("Every report read from the month ends equals today's balances' own.")
        return kept, keeping

    def _run(self, scale: reports_data.Scale, runs: int, reuse: bool = False) -> dict:
        from timecredits.reports.models import OutputsRollup
        from timecredits.reports.tasks import refresh_outputs_rollup
        from timecredits.reports.use_cases.outputs import programme_report

        anchor = timezone.localdate().replace(day=1)
        if reuse:
            world, generation, verification = _existing(), None, None
        else:
            self.stdout.write(
                f"Generating {scale.members:,} members, {scale.organisations:,} organisations, "
                f"{scale.contributions:,} contributions and {scale.transfers:,} transfers over "
                f"the two years before {anchor}."
            )
            started = time.perf_counter()
            world = reports_data.generate(scale, anchor=anchor, log=self.stdout.write)
            generation = time.perf_counter() - started
            self.stdout.write(f"Generated in {generation:.1f} s: {_counts(world['rows'])}.")

            self.stdout.write("Checking the ledger as its triggers would have (ledger_verify).")
            started = time.perf_counter()
            problems = reports_data.verify()
            verification = time.perf_counter() - started
            if problems:
                raise CommandError(f"The generated ledger is not clean: {problems[:5]}")
            self.stdout.write(f"Ledger clean ({verification:.1f} s).")

        # A fresh session, so the measurements run with the server's own settings.
        connection.close()
        programme, commissioner = world["programme"], world["commissioner"]
        first_day = datetime.date(anchor.year - 1, anchor.month, 1)
        last_day = anchor - datetime.timedelta(days=1)

        kept, keeping = self._month_ends(programme, first_day, last_day, check=not reuse)

        def dashboard():
            return programme_report(
                actor=commissioner,
                programme_id=programme.pk,
                period_start=first_day,
                period_end=last_day,
            )

        since = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time()))
        until = timezone.make_aware(datetime.datetime.combine(anchor, datetime.time()))

        def baseline():
            with connection.cursor() as cursor:
                cursor.execute(BASELINE_SQL, [programme.pk, since, until])
                return cursor.fetchone()

        def refresh():
            return refresh_outputs_rollup(programme.pk, first_day.isoformat(), last_day.isoformat())

        # (a) live: no kept figures, so the dashboard computes them for the request.
        OutputsRollup.objects.filter(programme=programme).delete()
        live, live_times = _timed(dashboard, runs)
        with _statements() as live_queries:
            dashboard()
        # (b) the worker's refresh, then (c) the dashboard served from what it kept.
        _, refresh_times = _timed(refresh, runs)
        served, served_times = _timed(dashboard, runs)
        with _statements() as served_queries:
            dashboard()
        (approved, minutes), baseline_times = _timed(baseline, runs)
        baseline_s = statistics.median(baseline_times)
        # (e) the same year narrowed, and custom dates: always computed for the request.
        filtered = {}
        for name, asked in _filters(programme, first_day, last_day).items():
            report, times = _timed(lambda asked=asked: programme_report(**asked), runs)
            with _statements() as queries:
                programme_report(**asked)
            if report["from_worker"]:
                raise CommandError(f"The {name} dashboard used kept figures.")
            seconds = statistics.median(times)
            filtered[name] = {
                "filter": {
                    k: v.isoformat() if isinstance(v, datetime.date) else v
                    for k, v in asked.items()
                    if k not in ("actor", "programme_id")
                },
                "seconds": round(seconds, 6),
                "ratio": round(seconds / baseline_s, 2),
                "runs": [round(t, 6) for t in times],
                "queries": len(queries),
                "target_ratio": FILTERED_TARGET_RATIO,
                "target_met": seconds / baseline_s <= FILTERED_TARGET_RATIO,
            }
        if live["from_worker"] or not served["from_worker"]:
            raise CommandError("The live dashboard used kept figures, or the served one did not.")
        hours_given = {f["key"]: f["value"] for f in live["figures"]}["hours_given"]
        if hours_given != round(minutes / 60, 2):
            raise CommandError(
                f"The dashboard's hours given ({hours_given}) differ from the baseline's "
                f"({minutes / 60:.2f}): they should count the same rows."
            )
        if served["figures"] != live["figures"] or served["tables"] != live["tables"]:
            raise CommandError("The served dashboard differs from the live one.")
        timed = {
            "live": statistics.median(live_times),
            "refresh": statistics.median(refresh_times),
            "served": statistics.median(served_times),
        }
        served_s = timed["served"]
        verdict = "met" if served_s < TARGET_SECONDS else "MISSED"
        self.stdout.write(
            f"Dashboard for {first_day} to {last_day} ({approved:,} approved contributions), "
            f"medians of {runs} runs:\n"
            f"  live, computed for the request ({len(live_queries)} queries): "
            f"{timed['live'] * 1000:.0f} ms, {timed['live'] / baseline_s:.1f} x the baseline\n"
            f"  the worker's refresh of the year: {timed['refresh'] * 1000:.0f} ms, "
            f"{timed['refresh'] / baseline_s:.1f} x the baseline\n"
            f"  served from the worker's figures ({len(served_queries)} queries): "
            f"{served_s * 1000:.1f} ms, {served_s / baseline_s:.2f} x the baseline "
            f"(target under {TARGET_SECONDS * 1000:.0f} ms, {verdict})\n"
            f"  baseline, one SELECT count(*), sum(minutes) over the same rows: "
            f"{baseline_s * 1000:.1f} ms"
        )
        for name, figures in filtered.items():
            verdict = "met" if figures["target_met"] else "MISSED"
            self.stdout.write(
                f"  filtered, {name} ({figures['queries']} queries): "
                f"{figures['seconds'] * 1000:.0f} ms, {figures['ratio']:.2f} x the baseline "
                f"(target at most {FILTERED_TARGET_RATIO} x, {verdict})"
            )
        return {
            "dashboard_seconds": round(served_s, 6),
            "live_seconds": round(timed["live"], 6),
            "refresh_seconds": round(timed["refresh"], 6),
            "served_seconds": round(served_s, 6),
            "baseline_seconds": round(baseline_s, 6),
            "ratio": round(served_s / baseline_s, 4),
            "live_ratio": round(timed["live"] / baseline_s, 2),
            "refresh_ratio": round(timed["refresh"] / baseline_s, 2),
            "served_ratio": round(served_s / baseline_s, 4),
            "target_seconds": TARGET_SECONDS,
            "target_met": served_s < TARGET_SECONDS,
            "live_runs": [round(t, 6) for t in live_times],
            "refresh_runs": [round(t, 6) for t in refresh_times],
            "served_runs": [round(t, 6) for t in served_times],
            "baseline_runs": [round(t, 6) for t in baseline_times],
            "filtered": filtered,
            "live_queries": len(live_queries),
            "served_queries": len(served_queries),
            "period": {"start": first_day.isoformat(), "end": last_day.isoformat()},
            "approved_contributions_in_period": approved,
            "hours_given": hours_given,
            "generation_seconds": None if generation is None else round(generation, 1),
            "verification_seconds": None if verification is None else round(verification, 1),
            "ledger_verify": "not run (database reused)" if reuse else "clean",
            "month_ends_kept": kept,
            "month_ends_seconds": round(keeping, 1),
            "month_ends_checked": not reuse,
            "rows": world["rows"],
            "scale": scale._asdict(),
            "runs": runs,
        }


def _filters(programme, first_day: datetime.date, last_day: datetime.date) -> dict:
    """The year narrowed by one organisation (the busiest group), one area (the biggest), one
    age band (the commonest answer), and 45 custom days in the middle of the year."""
    with connection.cursor() as cursor:
        cursor.execute(_BUSIEST_SQL, [programme.pk])
        (organisation_id,) = cursor.fetchone()
        cursor.execute(_COMMONEST_SQL.format(field="area"), [programme.pk])
        (area,) = cursor.fetchone()
        cursor.execute(_COMMONEST_SQL.format(field="age_band"), [programme.pk])
        (age_band,) = cursor.fetchone()
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.get(username="bench-commissioner")
    year = {
        "actor": actor,
        "programme_id": programme.pk,
        "period_start": first_day,
        "period_end": last_day,
    }
    middle = first_day + datetime.timedelta(days=150)
    return {
        "organisation": {**year, "organisation_id": organisation_id},
        "area": {**year, "area": area},
        "age_band": {**year, "demographics": {"age_band": age_band}},
        "custom_45_days": {
            **year,
            "period_start": middle,
            "period_end": middle + datetime.timedelta(days=44),
        },
    }


_BUSIEST_SQL = """
SELECT a.organisation_id FROM activities_contribution c
  JOIN activities_session s ON s.id = c.session_id
  JOIN activities_activity a ON a.id = s.activity_id
 WHERE a.programme_id = %s AND c.status = 'approved'
 GROUP BY a.organisation_id ORDER BY count(*) DESC, a.organisation_id LIMIT 1
"""
_COMMONEST_SQL = """
SELECT {field} FROM members_member WHERE programme_id = %s AND {field} <> ''
 GROUP BY {field} ORDER BY count(*) DESC, {field} LIMIT 1
"""


@contextlib.contextmanager
def _statements():
    """The statements sent meanwhile by this connection and by any opened meanwhile (the
    report's second connection, see `reports.outputs.selectors.reading`)."""
    sent = []

    def note(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    def opened(sender, connection, **kwargs):
        if note not in connection.execute_wrappers:
            connection.execute_wrappers.append(note)

    connection_created.connect(opened)
    try:
        with connection.execute_wrapper(note):
            yield sent
    finally:
        connection_created.disconnect(opened)


def _timed(work, runs: int):
    result = work()  # the warm-up, not counted
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return result, times


def _existing() -> dict:
    """The programme and commissioner an earlier run generated, and its rows."""
    from django.contrib.auth import get_user_model

    from timecredits.programmes.models import ProgrammeRole

    role = ProgrammeRole.objects.select_related("programme", "user").get(
        user=get_user_model().objects.get(username="bench-commissioner")
    )
    return {"programme": role.programme, "commissioner": role.user, "rows": {}}


def _counts(rows: dict) -> str:
    return ", ".join(f"{n:,} {name}" for name, n in rows.items())
