"""Use cases of the monthly snapshots: asking for one, the list, one with its progress, and its
downloads, for the pages and the API. Each loads what it needs, checks permission once and
returns what the caller renders."""

from django.utils import timezone
from django.utils.translation import gettext as _

from timecredits.errors import Conflict
from timecredits.permissions import Action, has_permission, permitted_programme

from ..exports import Download, report_download
from ..models import Snapshot
from ..snapshots import selectors, services
from .outputs import programme_reader

BUILDING = (Snapshot.Status.QUEUED, Snapshot.Status.BUILDING)


def snapshot_request(*, actor, programme_id: int, month: str) -> tuple[Snapshot, bool]:
    """The programme's snapshot of `month` ("YYYY-MM"), for one of its admins, and whether a
    build was queued now."""
    programme = permitted_programme(actor, Action.PROGRAMME_REPORTS_SNAPSHOT, programme_id)
    return services.snapshot_request(programme=programme, month=month, requested_by=actor)


def programme_snapshots(*, actor, programme_id: int) -> dict:
    """The programme's snapshots, newest month first, and whether the reader may ask for one
    (and so read why a build failed)."""
    programme = programme_reader(actor=actor, programme_id=programme_id)[0]
    return {
        "programme": programme,
        "snapshots": selectors.programme_snapshots(programme=programme),
        "may_request": _may_request(actor, programme),
    }


def programme_snapshot(*, actor, programme_id: int, snapshot_id: int) -> dict:
    """One of the programme's snapshots, whether it is ready or still being built, and whether
    the reader may ask for one."""
    programme = programme_reader(actor=actor, programme_id=programme_id)[0]
    snapshot = selectors.programme_snapshot(programme=programme, snapshot_id=snapshot_id)
    return {
        "programme": programme,
        "snapshot": snapshot,
        "ready": snapshot.status == Snapshot.Status.READY,
        "building": snapshot.status in BUILDING,
        "may_request": _may_request(actor, programme),
    }


def snapshot_download(*, actor, programme_id: int, snapshot_id: int, format: str) -> Download:
    """A ready snapshot's report as CSV or XLSX; a snapshot still to be built is a conflict."""
    programme = programme_reader(actor=actor, programme_id=programme_id)[0]
    snapshot = selectors.programme_snapshot(programme=programme, snapshot_id=snapshot_id)
    if snapshot.status != Snapshot.Status.READY:
        raise Conflict(
            _("The snapshot is not ready yet."),
            code="snapshot_not_ready",
            detail={"status": snapshot.status, "progress": snapshot.progress},
        )
    return report_download(
        snapshot.report,
        format=format,
        name=f"snapshot-{programme.pk}-{snapshot.period_start:%Y-%m}",
        programme=programme,
        generated_at=timezone.localtime(snapshot.generated_at),
    )


def _may_request(actor, programme) -> bool:
    return has_permission(actor, Action.PROGRAMME_REPORTS_SNAPSHOT, programme=programme)
