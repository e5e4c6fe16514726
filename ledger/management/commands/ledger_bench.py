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

import contextlib
import itertools
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import time
import uuid
from glob import glob
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

DATABASE_PREFIX = "timecredits_bench"
BATCH_SIZE = 1000
OPENING_MINUTES = 600  # ten credits each, so random transfers rarely reach the floor
OPENING_BATCH = 10_000
MEMBER_PREFIX = "bench-member-"
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
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "var" / "bench" / "ledger.json")
        )
        parser.add_argument(
            "--keep-database", action="store_true", help="Leave the bench database for a look."
        )

    def handle(self, *args, **options):
        if options["quick"]:
            options["seconds"], options["accounts"] = 3.0, 10_000
        seconds, clients = options["seconds"], options["clients"]
        database = _bench_database()
        pgbench = options["pgbench"] or _find_pgbench()
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: every query is also logged, which slows the ledger.")

        self.stdout.write(f"Recreating {database['NAME']} and migrating it.")
        _recreate(database["NAME"])
        call_command("migrate", verbosity=0, interactive=False)

        results = {"pgbench_tps": self._pgbench(pgbench, database, seconds, clients)}
        self.stdout.write(f"pgbench tpcb-like: {results['pgbench_tps']:.0f} tps")

        self.stdout.write(f"Opening {options['accounts']:,} accounts with {OPENING_MINUTES} min.")
        _setup(options["accounts"])
        for phase in options["phases"]:
            figures = _run_phase(phase, seconds=seconds, clients=clients)
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
            _write(options["output"], results)
            self.stdout.write(f"Figures written to {options['output']}.")
            if not options["keep_database"]:
                connection.close()
                _drop(database["NAME"])

    def _pgbench(self, pgbench: str, database: dict, seconds: float, clients: int) -> float:
        scratch = f"{database['NAME']}_pgbench"
        env = {**os.environ, **_libpq_env(database)}
        _recreate(scratch)
        try:
            subprocess.run(  # noqa: S603
                [pgbench, "-i", "-s", "10", "-q", scratch],
                env=env,
                check=True,
                capture_output=True,
            )
            _checkpoint()
            duration = str(max(1, round(seconds)))
            run = subprocess.run(  # noqa: S603
                [pgbench, "-c", str(clients), "-j", "2", "-M", "prepared", "-T", duration, scratch],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            _drop(scratch)
        found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", run.stdout)
        if not found:
            raise CommandError(f"Could not read pgbench's tps from:\n{run.stdout}")
        return float(found.group(1))


def _write(path: str, results: dict) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results, indent=2) + "\n")


# The database


def _bench_database() -> dict:
    database = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        raise CommandError("The ledger benchmark needs PostgreSQL: set DATABASE_URL.")
    if not database["NAME"].startswith(DATABASE_PREFIX):
        raise CommandError(
            f"The benchmark drops and recreates its database, so it only runs on one whose name "
            f"starts with {DATABASE_PREFIX!r}, not {database['NAME']!r}."
        )
    return database


def _libpq_env(database: dict) -> dict:
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    return {env: str(database[key]) for key, env in names.items() if database.get(key)}


def _admin(statement: str) -> None:
    """Run one statement on the server's maintenance database, outside any transaction."""
    import psycopg
    from psycopg import sql

    database = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres",
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql.SQL(statement))


def _recreate(name: str) -> None:
    connection.close()
    _drop(name)
    _admin(f'CREATE DATABASE "{name}"')


def _drop(name: str) -> None:
    if not name.startswith(DATABASE_PREFIX):
        raise CommandError(f"Refusing to drop {name!r}.")
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _checkpoint() -> None:
    """Start each phase with no checkpoint owed, as far as the server lets this user ask."""
    # Only superusers may; without it the figures are just noisier.
    with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


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


def _setup(accounts: int) -> None:
    """Floored accounts with opening balances, and a programme with its issuance shards."""
    import datetime

    from ledger.models import Account, Transfer
    from ledger.services import (
        TransferSpec,
        account_open,
        programme_accounts_open,
        transfer_post,
        transfer_post_many,
    )
    from timecredits.programmes.models import Programme

    Account.objects.bulk_create(
        [
            Account(kind=Account.Kind.SYSTEM, has_floor=True, name=f"{MEMBER_PREFIX}{i}")
            for i in range(accounts)
        ],
        batch_size=10_000,
    )
    opening = account_open(kind=Account.Kind.SYSTEM, name="bench-opening")
    members = list(Account.objects.filter(name__startswith=MEMBER_PREFIX).only("id"))
    for start in range(0, len(members), OPENING_BATCH):
        transfer_post_many(
            specs=[
                TransferSpec(
                    opening, member, OPENING_MINUTES, Transfer.Kind.ADJUST, f"opening-{member.pk}"
                )
                for member in members[start : start + OPENING_BATCH]
            ]
        )
    programme = Programme.objects.create(
        name="Bench programme", slug="bench", starts_on=datetime.date.today()
    )
    programme_accounts_open(programme=programme)
    # One warm-up posting, so the first phase does not pay for cold caches alone.
    transfer_post(
        debit=members[0],
        credit=members[1],
        amount=1,
        kind=Transfer.Kind.GIFT,
        idempotency_key="warm-up",
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_account")
        cursor.execute("VACUUM ANALYZE ledger_transfer")


# The phases


def _run_phase(phase: str, *, seconds: float, clients: int) -> dict:
    """Start the clients, let them post for `seconds` together, and add up what they did."""
    _checkpoint()
    connection.close()
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(clients + 1)
    reports = context.Queue()
    processes = [
        context.Process(target=_client, args=(phase, index, clients, seconds, ready, reports))
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


def _client(phase: str, index: int, clients: int, seconds: float, ready, reports) -> None:
    """One client process: its own interpreter, its own connection, the real services."""
    import django

    django.setup()
    from ledger.errors import InsufficientCredit

    try:
        post = _WORKLOADS[phase](random.Random(f"{phase}-{index}"), index, clients)  # noqa: S311
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
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _key(phase: str) -> str:
    return f"bench-{phase}-{uuid.uuid4().hex}"


def _members():
    from ledger.models import Account

    # The services read only an account's id: they lock and reload the rows themselves.
    return list(Account.objects.filter(name__startswith=MEMBER_PREFIX).only("id"))


def _issuance_shards() -> list:
    """Shard i serves the members whose id is i modulo the shard count, as the selector does."""
    from django.conf import settings

    from ledger.selectors import issuance_account
    from timecredits.programmes.models import Programme

    programme = Programme.objects.get(slug="bench")
    return [
        issuance_account(programme=programme, spread_by=shard)
        for shard in range(settings.LEDGER_ISSUANCE_SHARDS)
    ]


def _contributions(phase: str, index: int, clients: int):
    """Contribution ids as the database would hand them out, this client's share of them: the
    earnings' causes, and their keys as the earning service makes them."""
    first = {"hot_issuance": 1, "batch": 10**12}[phase] + index
    return itertools.count(first, clients)


def _earning_key(contribution: int) -> str:
    return f"earn:contribution:{contribution}:0"


def _random_pairs(rng: random.Random, index: int, clients: int):
    from ledger.models import Transfer
    from ledger.services import transfer_post

    members = _members()

    def post() -> int:
        debit, credit = rng.sample(members, 2)
        transfer_post(
            debit=debit,
            credit=credit,
            amount=rng.randint(15, 120),
            kind=Transfer.Kind.GIFT,
            idempotency_key=_key("random_pairs"),
        )
        return 1

    return post


def _hot_issuance(rng: random.Random, index: int, clients: int):
    from ledger.models import Transfer
    from ledger.services import transfer_post

    members, shards = _members(), _issuance_shards()
    contributions = _contributions("hot_issuance", index, clients)

    def post() -> int:
        member, contribution = rng.choice(members), next(contributions)
        transfer_post(
            debit=shards[member.pk % len(shards)],
            credit=member,
            amount=rng.choice((60, 90, 120, 180, 240)),
            kind=Transfer.Kind.EARN,
            idempotency_key=_earning_key(contribution),
            cause_type="contribution",
            cause_id=contribution,
        )
        return 1

    return post


def _batch(rng: random.Random, index: int, clients: int):
    from ledger.models import Transfer
    from ledger.services import TransferSpec, transfer_post_many

    # Approving a session's contributions draws on one account, and another client's batch on
    # another, as sessions of different groups would; their attendees differ too, so each
    # client credits its own share of the members. (Drawn from all of them, every two
    # concurrent batches would share some ten members and wait for each other's commit.)
    members = _members()[index::clients]
    shard = _issuance_shards()[index % settings.LEDGER_ISSUANCE_SHARDS]
    contributions = _contributions("batch", index, clients)

    def post() -> int:
        specs = [
            TransferSpec(
                debit=shard,
                credit=member,
                amount=rng.choice((60, 90, 120, 180, 240)),
                kind=Transfer.Kind.EARN,
                idempotency_key=_earning_key(contribution),
                cause_type="contribution",
                cause_id=contribution,
            )
            for member, contribution in zip(
                rng.sample(members, BATCH_SIZE), contributions, strict=False
            )
        ]
        transfer_post_many(specs=specs)
        return BATCH_SIZE

    return post


_WORKLOADS = {"random_pairs": _random_pairs, "hot_issuance": _hot_issuance, "batch": _batch}
