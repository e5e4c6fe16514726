"""`reports_bench --quick` end to end: its own database, generated data, figures in a JSON file.

It runs as a separate process because it recreates and drops the database it is pointed at,
which here is one next to the test database, never the test database itself.
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

pytestmark = pytest.mark.postgres


def _server() -> dict:
    database = settings.DATABASES["default"]
    return {
        "host": database.get("HOST") or "127.0.0.1",
        "port": database.get("PORT") or 5432,
        "user": database.get("USER") or "postgres",
        "password": database.get("PASSWORD") or "",
    }


def _databases() -> set[str]:
    with psycopg.connect(dbname="postgres", autocommit=True, **_server()) as admin:
        return {row[0] for row in admin.execute("SELECT datname FROM pg_database")}


def test_quick_run_writes_its_figures_and_drops_its_database(tmp_path):
    server = _server()
    name = f"timecredits_bench_reports_test_{os.getpid()}"
    login = f"{server['user']}:{server['password']}" if server["password"] else server["user"]
    url = f"postgres://{login}@{server['host']}:{server['port']}/{name}"
    output = tmp_path / "reports.json"

    run = subprocess.run(
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "reports_bench",
            "--quick",
            "--runs",
            "2",
            "--output",
            str(output),
        ],
        env={
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "timecredits.settings.test",
            "DEBUG": "false",
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert "Ledger clean" in run.stdout
    assert "Every report read from the month ends equals today's balances' own." in run.stdout
    figures = json.loads(output.read_text())
    assert figures["rows"]["member"] == 2_000
    assert figures["rows"]["organisation"] == 40
    assert figures["rows"]["contribution"] == 40_000
    assert figures["rows"]["transfer"] == 100_000
    assert figures["ledger_verify"] == "clean"
    # Two generated years: every month end since the first transfer, checked against today.
    assert figures["month_ends_kept"] >= 24
    assert figures["month_ends_checked"] is True
    for timed in ("live", "refresh", "served", "baseline"):
        assert len(figures[f"{timed}_runs"]) == 2
        assert figures[f"{timed}_seconds"] > 0
    for timed in ("live", "refresh", "served"):
        assert figures[f"{timed}_ratio"] == pytest.approx(
            figures[f"{timed}_seconds"] / figures["baseline_seconds"], rel=0.01
        )
    assert figures["dashboard_seconds"] == figures["served_seconds"]
    assert figures["ratio"] == figures["served_ratio"]
    assert figures["live_queries"] > figures["served_queries"]
    start = datetime.date.fromisoformat(figures["period"]["start"])
    end = datetime.date.fromisoformat(figures["period"]["end"])
    assert start.day == 1
    assert end + datetime.timedelta(days=1) == start.replace(year=start.year + 1)
    # Roughly half the two years' contributions fall in the dashboard's year.
    assert 0.4 * 40_000 < figures["approved_contributions_in_period"] < 0.75 * 40_000
    assert figures["hours_given"] > 0
    # The same year narrowed three ways, and 45 custom days: each timed against the baseline.
    filtered = figures["filtered"]
    assert set(filtered) == {"organisation", "area", "age_band", "custom_45_days"}
    for timed in filtered.values():
        assert len(timed["runs"]) == 2
        assert timed["ratio"] == pytest.approx(
            timed["seconds"] / figures["baseline_seconds"], abs=0.01
        )
        assert timed["target_ratio"] == 2
        assert timed["target_met"] == (timed["seconds"] <= 2 * figures["baseline_seconds"])
    assert filtered["organisation"]["filter"]["organisation_id"] > 0
    assert filtered["area"]["filter"]["area"].startswith("RV")
    assert filtered["age_band"]["filter"]["demographics"]["age_band"]
    custom = filtered["custom_45_days"]["filter"]
    days = datetime.date.fromisoformat(custom["period_end"]) - datetime.date.fromisoformat(
        custom["period_start"]
    )
    assert days.days + 1 == 45
    assert name not in _databases()
