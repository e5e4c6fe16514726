"""The production units restart the web server and the worker whenever they exit, and systemd
itself accepts them (where systemd-analyze is installed)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "timecredits" / "ops" / "deploy"
UNITS = {
    "timecredits-web.service": "/srv/timecredits/.venv/bin/gunicorn timecredits.wsgi",
    "timecredits-worker.service": "/srv/timecredits/.venv/bin/python manage.py qcluster",
}


def settings_of(unit: str) -> dict[str, str]:
    """The unit's `Key=value` lines, with backslash-continued lines joined."""
    text = (DEPLOY / unit).read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_each_unit_restarts_its_process_whenever_it_exits_and_never_gives_up(unit):
    settings = settings_of(unit)

    assert settings["ExecStart"].startswith(UNITS[unit])
    assert settings["Restart"] == "always"
    assert 0 < int(settings["RestartSec"]) <= 10
    assert settings["StartLimitIntervalSec"] == "0"
    assert settings["EnvironmentFile"] == "/etc/timecredits/env"
    assert settings["User"] == "timecredits"


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_units(tmp_path):
    # The units name /srv/timecredits; point them at this checkout so the commands exist.
    (tmp_path / "env").write_text((DEPLOY / "env.example").read_text())
    for unit in UNITS:
        text = (DEPLOY / unit).read_text()
        text = text.replace("/etc/timecredits/env", str(tmp_path / "env"))
        (tmp_path / unit).write_text(text.replace("/srv/timecredits", str(ROOT)))

    verified = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", *(str(tmp_path / unit) for unit in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert verified.returncode == 0, verified.stderr
    assert "timecredits" not in verified.stderr, verified.stderr
