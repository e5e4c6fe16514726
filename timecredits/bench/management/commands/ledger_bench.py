"""`python manage.py ledger_bench`: the ledger's posting rate against pgbench, on PostgreSQL.

It (re)creates its own database (the one DATABASE_URL names, which must start with
`timecredits_bench`, so developers' data is never touched), migrates it, and measures:

0. pgbench's built-in tpcb-like workload in a scratch database next to it: the physical
   baseline of a comparable small transaction on the same server;
a. random_pairs: single transfers between random pairs of floored accounts;
b. hot_issuance: every transfer an earning drawn from one programme's sharded issuance;
c. batch: `transfer_post_many` of 1,000 earnings per call, like approving 1,000 contributions.

Each phase runs the real services in separate client processes (not threads: the GIL would make
the clients take turns), counts only transfers that committed, and reports refusals apart. The
figures go to stdout and to var/bench/ledger.json, then `ledger_verify` must find the ledger clean.
"""

import datetime
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import time
from glob import glob

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from timecredits.bench.database import (
    bench_database,
    checkpoint,
    database_drop,
    database_recreate,
    fresh_database,
    libpq_env,
)
from timecredits.bench.figures import add_output_arguments, cpu_seconds, figures_write

BATCH_SIZE = 1000
OPENING_MINUTES = 600  # ten credits each, so random transfers rarely reach the floor
TARGETS = {"random_pairs": 0.5, "hot_issuance": 0.4, "batch": 3.0}


class Command(BaseCommand):
    help = (
        "Benchmark the ledger's posting path against pgbench on PostgreSQL. Recreates and drops "
        "the database DATABASE_URL names, which must start with 'timecredits_bench'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=30.0, help="Length of each phase.")
        parser.add_argument("--clients", type=int, default=8, help="Concurrent client processes.")
        parser.add_argument("--accounts", type=int, default=100_000, help="Member-like accounts.")
        parser.add_argument(
            "--quick", action="store_true", help="A smoke test: 3 s phases, 10,000 accounts."
        )
        parser.add_argument(
            "--phases",
            nargs="+",
            choices=list(TARGETS),
            default=list(TARGETS),
            help="Measure only these phases (all three by default).",
        )
        parser.add_argument("--pgbench", default="", help="Path to pgbench (found if omitted).")
        add_output_arguments(parser, filename="ledger.json")

    def handle(self, *args, **options):
        if options["quick"]:
            options["seconds"], options["accounts"] = 3.0, 10_000
        database = bench_database()
        pgbench = options["pgbench"] or _find_pgbench()
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: every query is also logged, which slows the ledger.")
        with fresh_database(database, write=self.stdout.write, keep=options["keep_database"]):
            self._run(options, database, pgbench)

    def _run(self, options, database: dict, pgbench: str) -> None:
        seconds, clients = options["seconds"], options["clients"]
        results = {"pgbench_tps": self._pgbench(pgbench, database, seconds, clients)}
        self.stdout.write(f"pgbench tpcb-like: {results['pgbench_tps']:.0f} tps")

        self.stdout.write(f"Opening {options['accounts']:,} accounts with {OPENING_MINUTES} min.")
        programme_id = _setup(options["accounts"])
        for phase in options["phases"]:
            figures = _run_phase(phase, seconds=seconds, clients=clients, programme_id=programme_id)
            per_second = figures["transfers"] / figures["elapsed"]
            ratio = per_second / results["pgbench_tps"]
            results[phase] = {
                "per_second": round(per_second, 1),
                "ratio": round(ratio, 3),
                "transfers": figures["transfers"],
                "refusals": figures["refusals"],
                "seconds": round(figures["elapsed"], 2),
            }
            posted = max(figures["transfers"], 1)
            results[phase]["cpu_ms_per_transfer"] = {
                "client": round(figures["client_cpu"] * 1000 / posted, 3),
                "server": round(figures["server_cpu"] * 1000 / posted, 3),
            }
            verdict = "met" if ratio >= TARGETS[phase] else "MISSED"
            self.stdout.write(
                f"{phase}: {per_second:.0f} transfers/s = {ratio:.2f} x pgbench "
                f"(target {TARGETS[phase]} x, {verdict}); {figures['transfers']:,} posted, "
                f"{figures['refusals']:,} refused for insufficient credit; CPU per transfer: "
                f"{results[phase]['cpu_ms_per_transfer']['client']} ms in the client, "
                f"{results[phase]['cpu_ms_per_transfer']['server']} ms in its server process"
            )
            if figures["errors"]:
                raise CommandError(
                    f"{phase}: {figures['errors']} unexpected error(s), the first: "
                    f"{figures['first_error']}"
                )

        results["settings"] = {
            "seconds": seconds,
            "clients": clients,
            "accounts": options["accounts"],
            "batch_size": BATCH_SIZE,
        }
        try:
            call_command("ledger_verify", stdout=self.stdout, stderr=self.stderr)
            results["ledger_verify"] = "clean"
        except CommandError:
            results["ledger_verify"] = "problems"
            raise
        finally:
            figures_write(options["output"], results)
            self.stdout.write(f"Figures written to {options['output']}.")

    def _pgbench(self, pgbench: str, database: dict, seconds: float, clients: int) -> float:
        scratch = f"{database['NAME']}_pgbench"
        env = {**os.environ, **libpq_env(database)}
        database_recreate(scratch)
        try:
            subprocess.run(  # noqa: S603
                [pgbench, "-i", "-s", "10", "-q", scratch],
                env=env,
                check=True,
                capture_output=True,
            )
            checkpoint()
            duration = str(max(1, round(seconds)))
            run = subprocess.run(  # noqa: S603
                [pgbench, "-c", str(clients), "-j", "2", "-M", "prepared", "-T", duration, scratch],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            database_drop(scratch)
        found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", run.stdout)
        if not found:
            raise CommandError(f"Could not read pgbench's tps from:\n{run.stdout}")
        return float(found.group(1))


def _find_pgbench() -> str:
    candidates = [shutil.which("pgbench")]
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run(  # noqa: S603
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        candidates.append(os.path.join(bindir, "pgbench"))
    candidates += sorted(glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise CommandError(
        "pgbench not found: install postgresql-contrib (Debian) or pass --pgbench PATH."
    )


# The ledger's starting state


def _setup(accounts: int) -> int:
    """Floored accounts with opening balances, and a programme with its issuance shards; returns
    the programme's id."""
    from ledger import load
    from timecredits.credits.services.accounts import programme_accounts_open
    from timecredits.programmes.models import Programme

    load.floored_accounts_open(count=accounts, minutes=OPENING_MINUTES)
    programme = Programme.objects.create(
        name="Bench programme", slug="bench", starts_on=datetime.date.today()
    )
    programme_accounts_open(programme=programme)
    load.warm_up()
    return programme.pk


# The phases


def _run_phase(phase: str, *, seconds: float, clients: int, programme_id: int) -> dict:
    """Start the clients, let them post for `seconds` together, and add up what they did."""
    checkpoint()
    connection.close()
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(clients + 1)
    reports = context.Queue()
    processes = [
        context.Process(
            target=_client, args=(phase, index, clients, seconds, programme_id, ready, reports)
        )
        for index in range(clients)
    ]
    for process in processes:
        process.start()
    try:
        ready.wait(timeout=600)
        figures = [reports.get(timeout=seconds + 600) for _ in processes]
    except Exception as error:
        for process in processes:
            process.kill()
        raise CommandError(f"{phase}: a client failed before reporting ({error!r}).") from error
    for process in processes:
        process.join()
    return {
        "transfers": sum(figure["transfers"] for figure in figures),
        "refusals": sum(figure["refusals"] for figure in figures),
        "errors": sum(figure["errors"] for figure in figures),
        "first_error": next((f["first_error"] for f in figures if f["first_error"]), ""),
        "elapsed": max(f["finished"] for f in figures) - min(f["started"] for f in figures),
        "client_cpu": sum(figure["client_cpu"] for figure in figures),
        "server_cpu": sum(figure["server_cpu"] for figure in figures),
    }


def _client(
    phase: str, index: int, clients: int, seconds: float, programme_id: int, ready, reports
) -> None:
    """One client process: its own interpreter, its own connection, the real services."""
    import django

    django.setup()
    from ledger import load
    from ledger.errors import InsufficientCredit

    try:
        post = load.workload(
            phase,
            rng=random.Random(f"{phase}-{index}"),  # noqa: S311
            index=index,
            clients=clients,
            programme_id=programme_id,
            batch=BATCH_SIZE,
        )
    except BaseException:
        ready.abort()
        raise
    backend = _backend_pid()
    ready.wait()
    transfers = refusals = errors = 0
    first_error = ""
    cpu, server_cpu = time.process_time(), _server_cpu(backend)
    started = time.monotonic()
    deadline = started + seconds
    while time.monotonic() < deadline:
        try:
            transfers += post()
        except InsufficientCredit:
            refusals += 1
        except Exception as error:  # counted and reported; the run then fails
            errors += 1
            first_error = first_error or repr(error)
    finished = time.monotonic()
    cpu, server_cpu = time.process_time() - cpu, _server_cpu(backend) - server_cpu
    connection.close()
    reports.put(
        {
            "transfers": transfers,
            "refusals": refusals,
            "errors": errors,
            "first_error": first_error,
            "started": started,
            "finished": finished,
            "client_cpu": cpu,
            "server_cpu": server_cpu,
        }
    )


def _backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def _server_cpu(pid: int) -> float:
    """CPU seconds the client's server process has used, when the server runs on this machine.

    Zero when it does not: the figures then only lack the split between client and server.
    """
    return cpu_seconds([pid]).get(pid, 0.0)
