"""Settings read from the environment: secure unless told otherwise."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(env, *args):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_debug_a_secret_key_is_required():
    result = _manage({"DJANGO_SETTINGS_MODULE": "timecredits.settings.base"}, "check")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_production_settings_pass_the_deploy_check_but_for_the_documented_preload():
    env = {
        "DJANGO_SETTINGS_MODULE": "timecredits.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "timecredits.example.org",
    }

    result = _manage(env, "check", "--deploy")

    assert result.returncode == 0, result.stderr
    reported = [
        line.split(")")[0] + ")" for line in result.stderr.splitlines() if line.startswith("?: (")
    ]
    assert reported == ["?: (security.W021)"]


def test_preload_can_be_turned_on_for_a_clean_deploy_check():
    env = {
        "DJANGO_SETTINGS_MODULE": "timecredits.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "timecredits.example.org",
        "SECURE_HSTS_PRELOAD": "true",
    }

    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
