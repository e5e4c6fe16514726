"""The stack `make run` starts, started for real: migrate, seed, web server and django-q2 worker.

Each process gets its own SQLite file and file cache under a temporary folder, so this runs the
same whichever database the rest of the suite uses.
"""

import http.cookiejar
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.e2e.stack import free_port, get, health, manage, spawn, sqlite_env, wait_for
from timecredits.ops.demo import DEMO_PASSWORD


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stack")
    env = sqlite_env(folder)
    manage(env, "migrate", "--no-input")
    manage(env, "setup_schedules")
    seeded = manage(env, "seed_demo").stdout
    port = free_port()
    worker = spawn(env, "qcluster")
    web = spawn(env, "runserver", "--noreload", f"127.0.0.1:{port}")
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: health(base)["worker"] == "ok"), "the stack did not come up"
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
    status, body = get(f"{stack['base']}/healthz")

    assert status == 200
    assert json.loads(body) == {
        "status": "ok",
        "database": "ok",
        "worker": "ok",
        "worker_clusters": 1,
    }


def test_openapi_is_served(stack):
    status, body = get(f"{stack['base']}/api/v1/openapi.json")

    assert status == 200
    assert json.loads(body)["openapi"].startswith("3.")


def test_a_demo_member_signs_in_on_the_web(stack):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, page = get(f"{stack['base']}/sign-in/", opener)
    assert status == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "username": "amira", "password": DEMO_PASSWORD}
    ).encode()
    status, home = get(
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
    status, created = get(
        f"{stack['base']}/api/v1/auth/token",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    token = json.loads(created)["token"]

    status, me = get(f"{stack['base']}/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert status == 200
    assert json.loads(me)["username"] == "amira"


def test_seeding_twice_changes_nothing(stack):
    count = (
        "from django.apps import apps; "
        "print(sum(m.objects.count() for m in apps.get_models() if m._meta.app_label in "
        "{'auth','programmes','partners','members','activities','ledger'}))"
    )
    before = manage(stack["env"], "shell", "-c", count).stdout

    manage(stack["env"], "seed_demo")

    assert manage(stack["env"], "shell", "-c", count).stdout == before
    assert "the ledger is clean" in manage(stack["env"], "ledger_verify").stdout


def test_healthz_notices_when_the_worker_stops(stack):
    stack["worker"].terminate()
    stack["worker"].wait(timeout=30)

    assert wait_for(lambda: health(stack["base"])["worker"] == "unreachable", seconds=30)
    assert get(f"{stack['base']}/healthz")[0] == 200


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "timecredits.settings.base",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/unreachable",
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        "DEBUG": "true",
    }
    web = spawn(env, "--bind", f"127.0.0.1:{port}", "timecredits.wsgi", module="gunicorn")
    try:
        assert wait_for(lambda: get(f"http://127.0.0.1:{port}/healthz")[0] == 503, seconds=30)
        assert health(f"http://127.0.0.1:{port}")["database"] == "unreachable"
    finally:
        web.terminate()
        web.wait(timeout=30)
