"""Faults during a stream of gifts: PostgreSQL restarted twice, the worker killed -9 and replaced.

The test starts a PostgreSQL cluster of its own (initdb and pg_ctl, in a temporary folder, on a
free port; as the `postgres` user when run as root, since initdb refuses root), migrates and
seeds it, and runs the real processes against it: gunicorn with the production settings and a
django-q2 cluster on the ORM broker, sending email through Django's file backend so every
process's mail lands in one folder. Members then give each other credits over HTTP, each gift
with its own Idempotency-Key and retried, like a phone would, until it gets a definite answer.

Afterwards: every gift that was answered 2xx is in the ledger exactly once and nothing else is,
`ledger_verify` is clean, /healthz told that the killed worker was gone, and every email owed
was sent exactly once (counted by the Message-ID each notification's email carries).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from timecredits.ops.demo import DEMO_PASSWORD

from .stack import ROOT, free_port, manage, wait_for

PG_BIN = Path("/usr/lib/postgresql/15/bin")
MEMBERS = ["amira", "ben", "carys", "dev"]
GIFTS_EACH = 12
ANSWER_SECONDS = 60  # how long a client keeps retrying one gift
DRAIN_SECONDS = 100  # the sweep runs once a minute; django-q2 looks at schedules every 30 s
# Emails a sender has claimed and not yet recorded: owed, with the next try a lease ahead.
CLAIMED = (
    "SELECT count(*) FROM notifications_notification"
    " WHERE email_status = 'owed' AND email_due_at > now()"
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="needs PostgreSQL 15's initdb"),
]


class Cluster:
    """A throwaway PostgreSQL cluster: trust authentication, on 127.0.0.1 only, fsync off."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.data = folder / "data"

    def _run(self, program, *args, check=True):
        # initdb refuses to run as root, so as root the cluster belongs to `postgres`.
        owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*owner, str(PG_BIN / program), *args]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)

    def _pg_ctl(self, action, check=True):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        options += " -c fsync=off -c synchronous_commit=off"  # a test's data, not a bank's
        log = str(self.folder / "postgres.log")
        self._run("pg_ctl", action, "-D", str(self.data), "-l", log, "-w", "-m", "fast",
                  "-o", options, check=check)  # fmt: skip

    def start(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, user="postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust")
        self._pg_ctl("start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "timecredits_faults")  # fmt: skip

    def restart(self):
        """pg_ctl restart -m fast: every connection is cut, as in a failover or an upgrade."""
        self._pg_ctl("restart")

    def stop(self):
        self._pg_ctl("stop", check=False)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/timecredits_faults"

    def query(self, sql, *params):
        with psycopg.connect(
            self.url.replace("postgres://", "postgresql://"), connect_timeout=5
        ) as db:
            return db.execute(sql, params).fetchall()


def _request(url, *, body=None, headers=None, timeout=15):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _definite(url, **kwargs):
    """Send until the server answers for sure: a 5xx, a refused connection or a timeout may
    or may not have done the work, so the same request (the same key) goes again."""
    deadline = time.monotonic() + ANSWER_SECONDS
    tries = 0
    while True:
        tries += 1
        try:
            status, body = _request(url, **kwargs)
            if status < 500 and status != 429:
                return status, body, tries
        except OSError:
            pass
        if time.monotonic() > deadline:
            return None, "no definite answer", tries
        time.sleep(0.3)


class Supervisor:
    """Keeps qcluster running as the systemd unit does (Restart=always, RestartSec shortened):
    a new one whenever it exits, except while the test has stopped it on purpose."""

    def __init__(self, spawn):
        self.spawn, self.restarts = spawn, 0
        self.wanted, self.done = threading.Event(), threading.Event()
        self.process, self.lock = None, threading.Lock()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def start(self):
        self.process = self.spawn("worker", [sys.executable, "manage.py", "qcluster"])
        self.wanted.set()
        if not self.thread.is_alive():
            self.thread.start()

    def kill(self):
        """kill -9 the whole cluster (its guard, workers, monitor and pusher) and keep it dead."""
        with self.lock:
            self.wanted.clear()
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def _watch(self):
        while not self.done.wait(0.5):
            with self.lock:
                if self.wanted.is_set() and self.process.poll() is not None:
                    self.restarts += 1
                    time.sleep(1)
                    self.start()

    def stop(self):
        self.done.set()
        self.wanted.clear()


@pytest.fixture
def stack():
    folder = Path(tempfile.mkdtemp(prefix="tc-faults-"))
    cluster = Cluster(folder, free_port())
    processes = {}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.fault_settings",
        "DATABASE_URL": cluster.url,
        "CACHE_URL": f"filecache://{folder / 'cache'}",
        # django-environ reads the path after the third slash: "filemail:///" + "/tmp/...".
        "EMAIL_URL": f"filemail:///{folder / 'mail'}",
        "SECRET_KEY": "fault-test-only-" + uuid.uuid4().hex,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CREDITS_DAILY_GIFT_LIMIT_MINUTES": "100000",
        # One sender at a time: the kill is timed just after a claim, inside that send's
        # half-second, and a second sender could otherwise be caught between writing its
        # message and recording it, the window no mail protocol can close.
        "Q_WORKERS": "1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)

    def manage_here(*args):
        return manage(env, *args, timeout=300).stdout

    def spawn(name, command):
        with open(folder / f"{name}.log", "ab") as log:
            processes[f"{name}-{len(processes)}"] = process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
            )
        return process

    def logs():
        """The end of each log, for a failure's message."""
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-40:])
            for log in sorted(folder.glob("*.log"))
        )

    worker = Supervisor(spawn)
    try:
        cluster.start()
        manage_here("migrate", "--no-input")
        manage_here("setup_schedules")
        manage_here("seed_demo")
        port = free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "timecredits.wsgi", "--workers", "3"]
        spawn("web", [*gunicorn, "--bind", f"127.0.0.1:{port}", "--timeout", "30"])
        worker.start()
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: _health(base).get("worker") == "ok", seconds=60), logs()
        yield {
            "base": base,
            "cluster": cluster,
            "folder": folder,
            "manage": manage_here,
            "worker": worker,
            "logs": logs,
        }
    finally:
        worker.stop()
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        # The stack is thrown away and nothing is checked after the test: a process still there
        # after a few seconds is killed. (qcluster's graceful stop took the whole 30 s it was
        # given here, on every run.)
        for process in processes.values():
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _health(base):
    try:
        return json.loads(_request(f"{base}/healthz", timeout=5)[1])
    except (OSError, ValueError):
        return {}


def _emailed_notifications(folder: Path) -> Counter:
    sent = Counter()
    for message_file in (folder / "mail").glob("*"):
        text = message_file.read_text(errors="replace")
        sent.update(int(n) for n in re.findall(r"^Message-ID: <notification\.(\d+)@", text, re.M))
    return sent


def test_gifts_are_applied_once_and_every_owed_email_sent_once_through_faults(stack):
    base, cluster = stack["base"], stack["cluster"]
    codes = dict(
        cluster.query(
            "SELECT u.username, m.code FROM members_member m"
            " JOIN members_user u ON u.id = m.user_id WHERE u.username = ANY(%s)",
            MEMBERS,
        )
    )
    tokens = {}
    for username in MEMBERS:
        status, body, _ = _definite(
            f"{base}/api/v1/auth/token", body={"username": username, "password": DEMO_PASSWORD}
        )
        assert status == 201, body
        tokens[username] = json.loads(body)["token"]
    answers, lock = {}, threading.Lock()

    def member_giving(index):
        giver, recipient = MEMBERS[index], MEMBERS[(index + 1) % len(MEMBERS)]
        for _ in range(GIFTS_EACH):
            key = uuid.uuid4().hex
            answer = _definite(
                f"{base}/api/v1/gifts",
                body={"member_code": codes[recipient], "minutes": 1, "message": "thanks"},
                headers={"Authorization": f"Bearer {tokens[giver]}", "Idempotency-Key": key},
            )
            with lock:
                answers[key] = answer
            time.sleep(0.25)

    faults, killed_mid_send = [], []

    def faults_happening():
        # The worker first, killed mid-send if we can catch it (an owed email due ahead is one
        # a sender has claimed); then PostgreSQL, twice, under the new worker and the web.
        time.sleep(1.5)
        deadline, mid_send = time.monotonic() + 5, False
        while not mid_send and time.monotonic() < deadline:
            mid_send = cluster.query(CLAIMED) != [(0,)]
            time.sleep(0 if mid_send else 0.05)
        stack["worker"].kill()
        faults.append("worker killed")
        killed_mid_send.append(mid_send)
        if wait_for(lambda: _health(base).get("worker") == "unreachable", seconds=20):
            faults.append("healthz: worker unreachable")
        stack["worker"].start()
        time.sleep(2)
        for _ in range(2):
            cluster.restart()
            faults.append("postgres restarted")
            time.sleep(3)
        if wait_for(lambda: _health(base).get("worker") == "ok", seconds=30):
            faults.append("healthz: worker ok")

    started = time.monotonic()
    threads = [threading.Thread(target=member_giving, args=(i,)) for i in range(len(MEMBERS))]
    threads.append(threading.Thread(target=faults_happening))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stream_seconds = time.monotonic() - started

    assert faults == [
        "worker killed",
        "healthz: worker unreachable",
        "postgres restarted",
        "postgres restarted",
        "healthz: worker ok",
    ], stack["logs"]()
    statuses = Counter(status for status, _, _ in answers.values())
    retried = sum(tries > 1 for _, _, tries in answers.values())
    print(
        f"stream: {stream_seconds:.1f} s, answers {dict(statuses)}, {retried} retried; "
        f"the worker restarted {stack['worker'].restarts} times after exiting on its own"
    )
    assert len(answers) == len(MEMBERS) * GIFTS_EACH
    assert None not in statuses, "a gift never got a definite answer"
    given = {key for key, (status, _, _) in answers.items() if 200 <= status < 300}
    assert given == set(answers), {k: a for k, a in answers.items() if k not in given}

    # Each gift answered 2xx is in the ledger exactly once, and nothing else is.
    applied = Counter(
        key.rsplit(":", 1)[1]
        for (key,) in cluster.query(
            "SELECT idempotency_key FROM ledger_transfer WHERE kind = 'gift'"
        )
    )
    assert applied == Counter(given)
    assert "the ledger is clean" in stack["manage"]("ledger_verify")

    # Every email owed is sent, by its own task or by the sweep once a worker is back.
    owed = "SELECT count(*) FROM notifications_notification WHERE email_status = 'owed'"
    drain_started = time.monotonic()
    still_owed = "SELECT id, email_attempts, email_due_at, email_last_error FROM "
    still_owed += "notifications_notification WHERE email_status = 'owed'"
    assert wait_for(lambda: cluster.query(owed) == [(0,)], seconds=DRAIN_SECONDS), (
        cluster.query(still_owed),
        stack["logs"](),
    )
    (retried_emails,) = cluster.query(
        "SELECT count(*) FROM notifications_notification WHERE email_attempts > 1"
    )[0]
    (failed_tasks,) = cluster.query(
        "SELECT count(*) FROM django_q_task WHERE func LIKE %s AND NOT success", "%send_emails"
    )[0]
    (lost_tasks,) = cluster.query("SELECT count(*) FROM django_q_ormq")[0]
    print(
        f"killed mid-send: {killed_mid_send[0]}; "
        f"emails drained {time.monotonic() - drain_started:.1f} s after the stream; "
        f"{retried_emails} emails claimed more than once, {failed_tasks} send_emails tasks "
        f"failed, {lost_tasks} tasks left in the queue by the killed worker"
    )
    notifications = dict(
        cluster.query(
            "SELECT id, email_status FROM notifications_notification WHERE kind = 'gift_received'"
        )
    )
    assert len(notifications) == len(given)
    assert set(notifications.values()) == {"sent"}
    # The demo data's own notifications (expiry warnings, bookings) are emailed too: leave them out.
    others = {
        n
        for (n,) in cluster.query(
            "SELECT id FROM notifications_notification WHERE kind <> 'gift_received'"
        )
    }
    emailed = _emailed_notifications(stack["folder"])
    assert Counter({n: c for n, c in emailed.items() if n not in others}) == Counter(
        notifications.keys()
    )
