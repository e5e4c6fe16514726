"""What the end-to-end tests share to start the real processes: the repository's root, a free
port, `manage.py` in a subprocess, a local SQLite environment, plain HTTP and waiting."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, timeout=120, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def spawn(env, *args: str, module: str = "", **kwargs) -> subprocess.Popen:
    """A process started in the repository's root, its output discarded: `manage.py` with these
    arguments, or `python -m module` with them."""
    program = ["-m", module] if module else ["manage.py"]
    return subprocess.Popen(
        [sys.executable, *program, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **kwargs,
    )


def sqlite_env(folder: Path) -> dict:
    """The environment `make run` gives its processes, on an SQLite file and file cache of
    their own under `folder`, whichever database the rest of the suite uses."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "timecredits.settings.base",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CACHE_URL": f"filecache://{folder / 'cache'}",
        "DEBUG": "true",
    }
    env.pop("REDIS_URL", None)
    return env


def get(url, opener=None, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def health(base):
    return json.loads(get(f"{base}/healthz")[1])
