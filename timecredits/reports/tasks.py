"""Background jobs for reports, run by django-q2; each is safe to run twice."""

from .snapshots import snapshot_build, snapshots_request_last_month


def build_snapshot(snapshot_id: int) -> str:
    return snapshot_build(snapshot_id=snapshot_id).status


def request_last_months_snapshots() -> list[int]:
    """Queue last month's snapshot for every programme that has none yet (or a failed one)."""
    return [snapshot.pk for snapshot in snapshots_request_last_month()]
