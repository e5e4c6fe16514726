"""Run the development web server and the django-q2 worker together, as `make run` does.

Each child gets a session of its own, so neither Ctrl-C at the terminal nor a signal to the whole
process group reaches it directly: this command receives the signal and stops each child exactly
once. The django-q2 cluster can deadlock if a second stop signal arrives while it is stopping, as
it did when a shell `trap 'kill 0'` signalled the whole group, itself included, over and over.
"""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 30


def _manage(*args: str) -> subprocess.Popen:
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), *args]
    return subprocess.Popen(command, start_new_session=True)  # noqa: S603 - our own manage.py


class Command(BaseCommand):
    help = "Run the web server and the background worker together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        received = []
        for signum in STOP_SIGNALS:
            signal.signal(signum, lambda signum, frame: received.append(signum))

        children = {
            "worker": _manage("qcluster"),
            "web server": _manage("runserver", "--noreload", addrport),
        }
        while not received and all(child.poll() is None for child in children.values()):
            time.sleep(0.2)
        exited = [name for name, child in children.items() if child.returncode is not None]

        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

        if not received:
            stopped = exited[0]
            raise CommandError(
                f"The {stopped} stopped (exit {children[stopped].returncode}), "
                "so the other was stopped too."
            )
