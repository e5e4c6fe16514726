"""The stack `make run` starts, started for real: migrate, seed, web server and django-q2 worker.

Each process gets its own SQLite file and file cache under a temporary folder, so this runs the
same whichever database the rest of the suite uses.
"""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from timecredits.ops.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def _get(url, opener=None, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def _health(base):
    return json.loads(_get(f"{base}/healthz")[1])


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stack")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "timecredits.settings.base",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CACHE_URL": f"filecache://{folder / 'cache'}",
        "DEBUG": "true",
    }
    env.pop("REDIS_URL", None)
    _manage(env, "migrate", "--no-input")
    _manage(env, "setup_schedules")
    seeded = _manage(env, "seed_demo").stdout
    port = _free_port()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    web = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: _health(base)["worker"] == "ok"), "the stack did not come up"
        yield {"base": base, "env": env, "seeded": seeded, "worker": worker}
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            process.wait(timeout=30)


def test_seed_prints_a_login_for_each_role(stack):
    for role in [
        "organisation admin",
        "platform staff",
        "programme admin",
        "commissioner",
        "coordinator",
        "venue staff",
        "member",
    ]:
        assert re.search(rf"{role}.*\S+ / {DEMO_PASSWORD}", stack["seeded"]), role


def test_healthz_reports_database_and_worker(stack):
    status, body = _get(f"{stack['base']}/healthz")

    assert status == 200
    assert json.loads(body) == {
        "status": "ok",
        "database": "ok",
        "worker": "ok",
        "worker_clusters": 1,
    }


def test_openapi_is_served(stack):
    status, body = _get(f"{stack['base']}/api/v1/openapi.json")

    assert status == 200
    assert json.loads(body)["openapi"].startswith("3.")


def test_a_demo_member_signs_in_on_the_web(stack):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, page = _get(f"{stack['base']}/sign-in/", opener)
    assert status == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "username": "amira", "password": DEMO_PASSWORD}
    ).encode()
    status, home = _get(
        f"{stack['base']}/sign-in/",
        opener,
        data=form,
        headers={"Referer": f"{stack['base']}/sign-in/"},
    )

    assert status == 200
    assert "Hello, Amira" in home
    assert "Sign out" in home


def test_a_demo_member_gets_an_api_token(stack):
    body = json.dumps({"username": "amira", "password": DEMO_PASSWORD}).encode()
    status, created = _get(
        f"{stack['base']}/api/v1/auth/token",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    token = json.loads(created)["token"]

    status, me = _get(f"{stack['base']}/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert status == 200
    assert json.loads(me)["username"] == "amira"


def test_seeding_twice_changes_nothing(stack):
    count = (
        "from django.apps import apps; "
        "print(sum(m.objects.count() for m in apps.get_models() if m._meta.app_label in "
        "{'auth','programmes','partners','members','activities','ledger'}))"
    )
    before = _manage(stack["env"], "shell", "-c", count).stdout

    _manage(stack["env"], "seed_demo")

    assert _manage(stack["env"], "shell", "-c", count).stdout == before
    assert "the ledger is clean" in _manage(stack["env"], "ledger_verify").stdout


def test_healthz_notices_when_the_worker_stops(stack):
    stack["worker"].terminate()
    stack["worker"].wait(timeout=30)

    assert _wait_for(lambda: _health(stack["base"])["worker"] == "unreachable", seconds=30)
    assert _get(f"{stack['base']}/healthz")[0] == 200


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "timecredits.settings.base",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/unreachable",
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        "DEBUG": "true",
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "timecredits.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz")[0] == 503, seconds=30)
        assert _health(f"http://127.0.0.1:{port}")["database"] == "unreachable"
    finally:
        web.terminate()
        web.wait(timeout=30)
