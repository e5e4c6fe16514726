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


# What the real-browser tests (tests/browser/) and `make screens` share: Debian's Chromium, and a
# seeded server (runserver with WhiteNoise, as `make run` has it) on an SQLite database of its own.

CHROMIUM = "/usr/bin/chromium"
PRINT_START_PAGES = (
    "import json; from tests.web.pages import start_pages as s; print(json.dumps(s()))"
)


def chromium_or_skip() -> str:
    """Debian's Chromium (Playwright's own browser download does not work here): a test without
    it fails under CI=true, where .ci/run installs it, and is skipped elsewhere."""
    import pytest

    if os.path.exists(CHROMIUM):
        return CHROMIUM
    reason = f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def printed_json(env, code: str):
    """What `code`, run by `manage.py shell` in that environment's database, printed last."""
    return json.loads(manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1])


class SeededServer:
    """`with SeededServer(folder) as server:` migrates and seeds an SQLite database under
    `folder`, runs `prepare` (code for `manage.py shell` that prints JSON: the start pages by
    default) and serves it on a free port; `server.base` is its address, `server.data` what
    `prepare` printed."""

    def __init__(self, folder: Path, prepare: str = PRINT_START_PAGES):
        self.env = sqlite_env(folder)
        # Codes and links name the host a request came to unless SITE_URL says otherwise.
        self.env.pop("SITE_URL", None)
        self.prepare = prepare
        self.base = ""
        self.data = None
        self._web = None

    def __enter__(self):
        manage(self.env, "migrate", "--no-input")
        manage(self.env, "seed_demo")
        self.data = printed_json(self.env, self.prepare)
        port = free_port()
        self._web = spawn(self.env, "runserver", "--noreload", f"127.0.0.1:{port}")
        self.base = f"http://127.0.0.1:{port}"
        try:
            up = wait_for(lambda: get(f"{self.base}/sign-in/")[0] == 200)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        if not up:
            self.__exit__(None, None, None)
            raise RuntimeError(f"the server at {self.base} did not answer")
        return self

    def __exit__(self, *exc):
        self._web.terminate()
        self._web.wait(timeout=30)
