"""Background jobs for reports, run by django-q2; each is safe to run twice."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_q.tasks import async_task

from timecredits.errors import NotFound
from timecredits.programmes.selectors import programme_get, programmes_running

from .outputs.selectors.rollups import kept_periods
from .outputs.services import rollup_refresh, rollups_forget
from .snapshots.services import snapshot_build, snapshots_request_last_month


def build_snapshot(snapshot_id: int) -> str:
    return snapshot_build(snapshot_id=snapshot_id).status


def request_last_months_snapshots() -> list[int]:
    """Queue last month's snapshot for every programme that has none yet (or a failed one)."""
    return [snapshot.pk for snapshot in snapshots_request_last_month()]


def _rollup_queued_key(programme_id: int, period_start: str, period_end: str) -> str:
    return f"reports:rollup-queued:{programme_id}:{period_start}:{period_end}"


def refresh_outputs_rollups() -> int:
    """Queue a refresh of every running programme's kept periods (its standard periods and what
    the dashboard sets them against); returns how many. Figures kept before yesterday go.

    A period whose refresh is still queued or running is not queued again, so a slow worker does
    not pile refreshes up; the mark lapses after twice the task timeout if a worker dies."""
    today = timezone.localdate()
    rollups_forget(computed_before=timezone.now() - datetime.timedelta(days=2))
    queued = 0
    running = programmes_running(start=today, end=today)
    for programme_id in running.values_list("pk", flat=True):
        for start, end in kept_periods(today):
            args = (programme_id, start.isoformat(), end.isoformat())
            if not cache.add(
                _rollup_queued_key(*args), 1, timeout=2 * settings.Q_CLUSTER["timeout"]
            ):
                continue
            async_task("timecredits.reports.tasks.refresh_outputs_rollup", *args)
            queued += 1
    return queued


def refresh_outputs_rollup(programme_id: int, period_start: str, period_end: str) -> str:
    """Recompute one programme's whole-programme figures for one period."""
    try:
        try:
            programme = programme_get(programme_id=programme_id)
        except NotFound:
            return "no such programme"
        rollup = rollup_refresh(
            programme=programme,
            period_start=datetime.date.fromisoformat(period_start),
            period_end=datetime.date.fromisoformat(period_end),
        )
        return rollup.computed_at.isoformat()
    finally:
        cache.delete(_rollup_queued_key(programme_id, period_start, period_end))
