"""`python manage.py checkin_bench`: a burst of QR check-ins through the HTTP API, on PostgreSQL.

It (re)creates its own database (the one DATABASE_URL names, which must start with
`timecredits_bench`, so developers' data is never touched), migrates it, and builds a programme
with an open session and 2,000 members, each with a ledger account and a bearer token from the
token service. It then starts a real server on that database: gunicorn with the production
settings (DEBUG off, a throwaway SECRET_KEY, Redis as the cache that the check-in rate limit
counts in), on a free port of 127.0.0.1, told it is behind TLS the way a load balancer tells it.
Concurrent client processes then send two bursts, every member exactly once in each:

a. check-ins: POST /api/v1/checkins with the session's poster token;
b. baseline: GET /api/v1/me, a trivial authenticated endpoint, on the same server.

Before each burst every token is made unused for a while, so both pay the same bearer lookup and
last-used write. The rates, p50 and p99 latency, the ratio of (a) to (b) and the CPU a request
cost in the web workers, their PostgreSQL backends and the clients go to stdout and to
var/bench/checkin.json. Any non-2xx response fails the run, and so does a session that does not
end with exactly one contribution per member. The server is stopped and the database dropped.
"""

import http.client
import json
import math
import multiprocessing
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from timecredits.bench.database import DATABASE_PREFIX, bench_database, fresh_database
from timecredits.bench.figures import add_output_arguments, cpu_seconds, figures_write

USER_PREFIX = "bench-"
BENCH_PASSWORD = "bench password, never a real one"  # noqa: S105 - the throwaway members' own
WARM_UP_MEMBERS = 64
SERVER_START_SECONDS = 60
CHECKINS_PATH = "/api/v1/checkins"
BASELINE_PATH = "/api/v1/me"


class Command(BaseCommand):
    help = (
        "Benchmark a burst of QR check-ins through the HTTP API against GET /api/v1/me, on a real "
        "server on PostgreSQL. Recreates and drops the database DATABASE_URL names, which must "
        "start with 'timecredits_bench'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2000, help="Members checking in.")
        parser.add_argument("--quick", action="store_true", help="A smoke test: 300 members.")
        parser.add_argument(
            "--clients", type=int, default=8, help="Concurrent client connections, in all."
        )
        parser.add_argument(
            "--client-processes", type=int, default=2, help="Processes the clients run in."
        )
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes.")
        parser.add_argument(
            "--threads", type=int, default=1, help="Threads per worker (above 1: gthread)."
        )
        parser.add_argument(
            "--cache-url",
            default="redis://127.0.0.1:6379/0",
            help="The server's cache, where the rate limit counts (a bench key prefix is added).",
        )
        add_output_arguments(parser, filename="checkin.json")

    def handle(self, *args, **options):
        if options["quick"]:
            options["members"] = 300
        members, clients = options["members"], options["clients"]
        processes = min(options["client_processes"], clients)
        if members < 1 or clients < 1 or processes < 1:
            raise CommandError("--members, --clients and --client-processes must be positive.")
        database = bench_database()
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url.rstrip("/").endswith(f"/{database['NAME']}"):
            raise CommandError("Set DATABASE_URL: the server reads the same database from it.")
        cache_url = _bench_cache_url(options["cache_url"])

        with fresh_database(database, write=self.stdout.write, keep=options["keep_database"]):
            self._run(options, members, clients, processes, database_url, cache_url)

    def _run(self, options, members, clients, processes, database_url, cache_url):
        secret = secrets.token_urlsafe(50)
        self.stdout.write(
            f"Creating {members:,} members (and {WARM_UP_MEMBERS} for the warm-up), "
            "their accounts and bearer tokens."
        )
        world = _setup(members=members, warm_up=WARM_UP_MEMBERS, secret=secret)
        workers, threads = options["workers"], options["threads"]
        worker_class = "gthread" if threads > 1 else "sync"
        lanes = [clients // processes + (p < clients % processes) for p in range(processes)]
        self.stdout.write(
            f"Server: gunicorn, {workers} {worker_class} workers"
            + (f" x {threads} threads" if threads > 1 else "")
            + ", timecredits.settings.production, DEBUG off, cache "
            f"{cache_url.split('?')[0]}. Clients: {clients} connections, one request at a time "
            f"each, in {processes} processes ({' + '.join(map(str, lanes))} threads, Python "
            f"http.client), on the same {os.cpu_count()} cores as the server and PostgreSQL."
        )
        server = _Server(
            workers=workers,
            threads=threads,
            env={
                "DJANGO_SETTINGS_MODULE": "timecredits.settings.production",
                "DATABASE_URL": database_url,
                "SECRET_KEY": secret,
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1",
                "CACHE_URL": cache_url,
                "LOG_LEVEL": "WARNING",
                # Longer than the run, so each worker keeps the backend whose CPU is counted.
                "CONN_MAX_AGE": "3600",
            },
            log=Path(options["output"]).with_name("checkin-server.log"),
        )
        server.start(probe_token=world["warm_up_tokens"][0])
        try:
            burst = world["burst_tokens"]
            warm_up = world["warm_up_tokens"]
            # The first requests to each worker open its connection and load the URLconf and API.
            _burst(
                server,
                [_checkin_job(token, world["token"], world["warm_up_session"]) for token in warm_up]
                + [_me_job(token) for token in warm_up],
                clients=clients,
                processes=processes,
            ).raise_for_errors("warm-up")

            _tokens_unused()
            checkins = _burst(
                server,
                [_checkin_job(token, world["token"], world["session"]) for token in burst],
                clients=clients,
                processes=processes,
            )
            self._report("check-ins", checkins)
            _tokens_unused()
            baseline = _burst(
                server, [_me_job(token) for token in burst], clients=clients, processes=processes
            )
            self._report(f"GET {BASELINE_PATH}", baseline)
        finally:
            server.stop()

        contributions = _contributions(world["session"])
        ratio = checkins.per_second / baseline.per_second
        self.stdout.write(
            f"Ratio: {checkins.per_second:.0f} check-ins/s / {baseline.per_second:.0f} requests/s "
            f"= {ratio:.2f}. Contributions at the session afterwards: {contributions['count']:,} "
            f"({contributions['members']:,} members, {contributions['events']:,} audit events)."
        )
        results = {
            "checkins_per_second": round(checkins.per_second, 1),
            "p50_ms": checkins.percentile_ms(50),
            "p99_ms": checkins.percentile_ms(99),
            "baseline_per_second": round(baseline.per_second, 1),
            "baseline_p50_ms": baseline.percentile_ms(50),
            "baseline_p99_ms": baseline.percentile_ms(99),
            "ratio": round(ratio, 3),
            "members": members,
            "clients": clients,
            "contributions": contributions["count"],
            "checkins": checkins.summary(),
            "baseline": {"endpoint": f"GET {BASELINE_PATH}", **baseline.summary()},
            "server": {
                "gunicorn_workers": workers,
                "threads": threads,
                "worker_class": worker_class,
                "settings": "timecredits.settings.production",
                "cache": cache_url.split("?")[0],
            },
            "client": {"processes": processes, "threads": lanes, "library": "http.client"},
            "cpus": os.cpu_count(),
        }
        figures_write(options["output"], results)
        self.stdout.write(f"Figures written to {options['output']}.")
        checkins.raise_for_errors("check-ins")
        baseline.raise_for_errors("baseline")
        if contributions != {"count": members, "members": members, "events": members}:
            raise CommandError(
                f"Expected {members:,} contributions, one per member, each with its audit event; "
                f"found {contributions}."
            )

    def _report(self, name: str, burst: "_Result") -> None:
        cpu = burst.cpu_ms_per_request()
        statuses = ", ".join(f"{status}: {count:,}" for status, count in burst.statuses)
        self.stdout.write(
            f"{name}: {burst.requests:,} requests in {burst.elapsed:.2f} s = "
            f"{burst.per_second:.0f}/s; latency p50 {burst.percentile_ms(50)} ms, "
            f"p99 {burst.percentile_ms(99)} ms, max {burst.percentile_ms(100)} ms; "
            f"statuses {statuses}; non-2xx: {burst.failures:,}. CPU per request: "
            f"{cpu['web']} ms in the web workers, {cpu['database']} ms in PostgreSQL, "
            f"{cpu['client']} ms in the clients. The machine's cores were {burst.cpu_busy:.0%} "
            f"busy with this run and {burst.others_busy:.0%} with other work"
        )


# The world the burst runs in


def _setup(*, members: int, warm_up: int, secret: str) -> dict:
    """A programme, an approved group, an activity with two open sessions (one for the warm-up),
    and members with their accounts, opened as `_create_member` does, and bearer tokens."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from api.tokens import token_issue
    from partners.models import Organisation, Participation
    from timecredits.activities.models import Activity, Session
    from timecredits.activities.tokens import poster_token
    from timecredits.credits.services.accounts import (
        member_account_open,
        organisation_account_open,
        programme_accounts_open,
    )
    from timecredits.members.models import Member, User
    from timecredits.programmes.models import Programme

    now = timezone.now()
    with transaction.atomic():
        programme = Programme.objects.create(
            name="Bench programme", slug="bench", starts_on=now.date()
        )
        programme_accounts_open(programme=programme)
        organisation = Organisation.objects.create(
            name="Bench group", slug="bench-group", kind=Organisation.Kind.GROUP
        )
        organisation_account_open(organisation=organisation)
        Participation.objects.create(
            programme=programme, organisation=organisation, status=Participation.Status.APPROVED
        )
        activity = Activity.objects.create(
            organisation=organisation,
            programme=programme,
            title="Bench activity",
            type=Activity.Type.FORMAL_VOLUNTEERING,
        )
        session, warm_up_session = (
            Session.objects.create(
                activity=activity,
                starts_at=now - timedelta(minutes=30),
                ends_at=now + timedelta(hours=3),
                location=location,
            )
            for location in ("Community hall", "Side room")
        )
        # One password hash for everyone: token_issue checks it, and hashing 2,000 is no test.
        password = make_password(BENCH_PASSWORD)
        users = User.objects.bulk_create(
            User(username=f"{USER_PREFIX}{i:05d}", first_name="Bench", password=password)
            for i in range(members + warm_up)
        )
        people = Member.objects.bulk_create(
            Member(user=user, programme=programme, terms_accepted_at=now) for user in users
        )
        for member in people:
            member_account_open(member=member)
    with override_settings(SECRET_KEY=secret):  # the server's key, so it accepts the tokens
        tokens = [
            token_issue(
                request=None, username=user.username, password=BENCH_PASSWORD, name="bench phone"
            )[1]
            for user in users
        ]
        token = poster_token(
            session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
        )
        warm_up_token = poster_token(
            session_id=warm_up_session.pk,
            starts_at=warm_up_session.starts_at,
            ends_at=warm_up_session.ends_at,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "session": session.pk,
        "warm_up_session": warm_up_session.pk,
        "token": {session.pk: token, warm_up_session.pk: warm_up_token},
        "burst_tokens": tokens[:members],
        "warm_up_tokens": tokens[members:],
    }


def _tokens_unused() -> None:
    """As if every phone had last been used a while ago: each first request records its use."""
    from api.models import ApiToken

    ApiToken.objects.update(last_used_at=None)


def _contributions(session_id: int) -> dict:
    from django.db.models import Count

    from timecredits.activities.models import Contribution, ContributionEvent

    found = Contribution.objects.filter(session_id=session_id).aggregate(
        count=Count("id"), members=Count("member", distinct=True)
    )
    events = ContributionEvent.objects.filter(contribution__session_id=session_id).count()
    return {**found, "events": events}


def _bench_cache_url(url: str) -> str:
    """The cache URL with a key prefix of its own, once the cache answers."""
    if url.startswith("redis"):
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            raise CommandError(
                f"The server's cache {url} does not answer ({error}): start Redis, or pass "
                "--cache-url (for example filecache:///tmp/timecredits_bench_checkin)."
            ) from error
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}key_prefix={DATABASE_PREFIX}_checkin_{uuid.uuid4().hex[:8]}"


def _checkin_job(bearer: str, poster_tokens: dict, session_id: int) -> tuple:
    body = json.dumps({"token": poster_tokens[session_id], "session_id": session_id})
    return ("POST", CHECKINS_PATH, body, bearer)


def _me_job(bearer: str) -> tuple:
    return ("GET", BASELINE_PATH, None, bearer)


# The server


class _Server:
    """gunicorn in a session of its own, so a Ctrl-C reaches this command, which stops it."""

    def __init__(self, *, workers: int, threads: int, env: dict, log: Path):
        self.workers, self.threads, self.env, self.log = workers, threads, env, log
        self.port = _free_port()
        self.process = None

    def start(self, *, probe_token: str) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "timecredits.wsgi",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            f"--threads={self.threads}",
            f"--worker-class={'gthread' if self.threads > 1 else 'sync'}",
            "--backlog=2048",
            "--timeout=120",
            f"--chdir={settings.BASE_DIR}",
        ]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"The server stopped at start:\n{self._log_tail()}")
            status = _probe(self.port, probe_token)
            if status == 200:
                return
            if status is not None:
                self.stop()
                raise CommandError(f"GET {BASELINE_PATH} answered {status}:\n{self._log_tail()}")
            time.sleep(0.2)
        self.stop()
        raise CommandError(f"The server did not answer within {SERVER_START_SECONDS} s.")

    def pids(self) -> list[int]:
        """The master and its workers."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        return [pid, *map(int, children)]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _log_tail(self) -> str:
        return "\n".join(self.log.read_text().splitlines()[-30:])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _headers(bearer: str) -> dict:
    # What a TLS-terminating load balancer adds; the production settings trust it.
    return {
        "Authorization": f"Bearer {bearer}",
        "X-Forwarded-Proto": "https",
        "Content-Type": "application/json",
    }


def _probe(port: int, bearer: str) -> int | None:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        client.request("GET", BASELINE_PATH, headers=_headers(bearer))
        return client.getresponse().status
    except OSError:
        return None
    finally:
        client.close()


def _machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used, to tell how much was not this run's."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _database_backends() -> list[int]:
    """The PostgreSQL processes serving the bench database, other than this command's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


# The bursts


class _Result:
    def __init__(
        self, reports: list[dict], web_cpu: float, database_cpu: float, machine_cpu: float
    ):
        self.latencies = sorted(latency for r in reports for latency in r["latencies"])
        self.statuses = sorted(sum((Counter(r["statuses"]) for r in reports), Counter()).items())
        self.requests = len(self.latencies)
        self.failures = sum(count for status, count in self.statuses if not 200 <= status < 300)
        self.first_error = next((r["first_error"] for r in reports if r["first_error"]), "")
        self.elapsed = max(r["finished"] for r in reports) - min(r["started"] for r in reports)
        self.per_second = self.requests / self.elapsed
        self.cpu = {
            "web": web_cpu,
            "database": database_cpu,
            "client": sum(r["cpu"] for r in reports),
        }
        capacity = self.elapsed * (os.cpu_count() or 1)
        self.cpu_busy = sum(self.cpu.values()) / capacity
        # Other work on the machine in the meantime (another benchmark, a test run) slows this one.
        self.others_busy = max(0.0, machine_cpu - sum(self.cpu.values())) / capacity

    def percentile_ms(self, percent: float) -> float:
        """Nearest rank: the least latency that `percent` % of the requests did not exceed."""
        rank = max(1, math.ceil(percent / 100 * self.requests))
        return round(self.latencies[rank - 1] * 1000, 1)

    def cpu_ms_per_request(self) -> dict:
        return {where: round(s * 1000 / self.requests, 2) for where, s in self.cpu.items()}

    def summary(self) -> dict:
        return {
            "requests": self.requests,
            "seconds": round(self.elapsed, 3),
            "per_second": round(self.per_second, 1),
            "p50_ms": self.percentile_ms(50),
            "p99_ms": self.percentile_ms(99),
            "max_ms": self.percentile_ms(100),
            "statuses": {str(status): count for status, count in self.statuses},
            "non_2xx": self.failures,
            "cpu_ms_per_request": self.cpu_ms_per_request(),
            "cpu_busy": round(self.cpu_busy, 3),
            "others_busy": round(self.others_busy, 3),
        }

    def raise_for_errors(self, name: str) -> None:
        if self.failures:
            raise CommandError(
                f"{name}: {self.failures:,} non-2xx response(s), the first: {self.first_error}"
            )


def _burst(server: _Server, jobs: list[tuple], *, clients: int, processes: int) -> _Result:
    """Send every job once from `clients` connections in `processes` processes, all together."""
    lanes = [jobs[lane::clients] for lane in range(clients)]
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(processes + 1)
    reports = context.Queue()
    children = [
        context.Process(target=_client, args=(server.port, lanes[p::processes], ready, reports))
        for p in range(processes)
    ]
    for child in children:
        child.start()
    try:
        ready.wait(timeout=120)
        backends = _database_backends()
        web_before, database_before = cpu_seconds(server.pids()), cpu_seconds(backends)
        machine_before = _machine_busy_seconds()
        ready.wait(timeout=120)  # the clients start now
        found = [reports.get(timeout=600) for _ in children]
    except Exception as error:
        for child in children:
            child.kill()
        raise CommandError(f"A client failed before reporting ({error!r}).") from error
    machine = _machine_busy_seconds() - machine_before
    web_after = cpu_seconds(server.pids())
    database_after = cpu_seconds(sorted({*backends, *_database_backends()}))
    for child in children:
        child.join()
    return _Result(
        found,
        web_cpu=_cpu_delta(web_before, web_after),
        database_cpu=_cpu_delta(database_before, database_after),
        machine_cpu=machine,
    )


def _cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def _client(port: int, lanes: list[list[tuple]], ready, reports) -> None:
    """One client process: a thread per lane, each with one connection and one request at a
    time. Needs no Django: it only speaks HTTP."""
    results = [None] * len(lanes)

    def run(index: int) -> None:
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        latencies, statuses, first_error = [], Counter(), ""
        for method, path, body, bearer in lanes[index]:
            started = time.perf_counter()
            try:
                client.request(method, path, body=body, headers=_headers(bearer))
                response = client.getresponse()
                status, content = response.status, response.read()
            except (OSError, http.client.HTTPException) as error:
                client.close()
                status, content = 0, repr(error).encode()
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
            if not 200 <= status < 300 and not first_error:
                first_error = f"{status} {content[:300].decode(errors='replace')}"
        client.close()
        results[index] = (latencies, statuses, first_error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(lanes))]
    ready.wait()  # everyone spawned
    ready.wait()  # the command has read the server's CPU counters
    cpu, started = time.process_time(), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = time.monotonic()
    reports.put(
        {
            "latencies": [latency for result in results for latency in result[0]],
            "statuses": sum((result[1] for result in results), Counter()),
            "first_error": next((result[2] for result in results if result[2]), ""),
            "started": started,
            "finished": finished,
            "cpu": time.process_time() - cpu,
        }
    )
