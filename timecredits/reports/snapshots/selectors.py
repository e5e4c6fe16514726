"""Reads of the monthly snapshots (`services` asks for and builds them): a programme's, and one."""

from django.utils.translation import gettext

from timecredits.errors import NotFound

from ..models import Snapshot


def programme_snapshots(*, programme):
    """The programme's snapshots, newest month first, for its admins and commissioners."""
    return Snapshot.objects.filter(programme=programme).select_related("programme")


def programme_snapshot(*, programme, snapshot_id: int) -> Snapshot:
    """One of the programme's snapshots, or the one error shape's 404."""
    snapshot = programme_snapshots(programme=programme).filter(pk=snapshot_id).first()
    if snapshot is None:
        raise NotFound(gettext("There is no such snapshot in this programme."))
    return snapshot
