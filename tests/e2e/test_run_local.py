"""`manage.py run_local`, what `make run` ends with: one signal stops the web server and the worker.

Ctrl-C at a terminal sends SIGINT to the whole process group and `kill` sends SIGTERM to one
process or a whole group; after each, no process of either child may be left behind.
"""

import contextlib
import os
import signal
from pathlib import Path

import pytest

from tests.e2e.stack import free_port, health, manage, spawn, wait_for

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table from /proc (Linux)"
)


def _processes():
    """(pid, parent pid, session, state) of every process, from /proc."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        yield int(stat.parent.name), int(fields[1]), int(fields[3]), fields[0]


def _descendants(ancestor: int) -> list[int]:
    parents = {pid: parent for pid, parent, _, _ in _processes()}
    found, frontier = [], [ancestor]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _alive(pids: list[int]) -> list[int]:
    return [pid for pid, _, _, state in _processes() if pid in pids and state != "Z"]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run_local")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "timecredits.settings.base",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DEBUG": "true",
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--no-input")
    return env


@pytest.mark.parametrize(
    ("signum", "to_group"),
    [(signal.SIGINT, True), (signal.SIGTERM, True), (signal.SIGTERM, False)],
    ids=["ctrl-c", "kill-group", "kill-command"],
)
def test_one_signal_stops_the_web_server_and_the_worker(database, tmp_path, signum, to_group):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run = spawn(
        {**database, "CACHE_URL": f"filecache://{tmp_path / 'cache'}"},
        "run_local",
        f"127.0.0.1:{port}",
        start_new_session=True,
    )
    children = []
    try:
        assert wait_for(lambda: health(base)["worker"] == "ok"), "the stack did not come up"
        children = [pid for pid, parent, _, _ in _processes() if parent == run.pid]
        processes = _descendants(run.pid)
        assert len(children) == 2

        if to_group:
            os.killpg(run.pid, signum)
        else:
            run.send_signal(signum)

        # Well inside run_local's grace period: a deadlocked worker would be killed only after it.
        assert run.wait(timeout=15) == 0
        assert _alive(processes) == []
        assert not wait_for(lambda: health(base), seconds=1)
    finally:
        for session in [run.pid, *children]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(session, signal.SIGKILL)
        run.wait()
