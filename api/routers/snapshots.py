"""A programme's monthly report snapshots: ask for one, follow its progress, read or download it."""

import datetime
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from api.lookups import programme_or_404
from api.routers.outcomes import OutcomesOut
from api.routers.reports import OutputsOut
from api.schemas import InputSchema
from timecredits.errors import Conflict
from timecredits.permissions import Action, has_permission
from timecredits.reports.exports import XLSX, report_about, report_xlsx
from timecredits.reports.models import Snapshot
from timecredits.reports.services import report_csv
from timecredits.reports.snapshots import (
    programme_snapshot,
    programme_snapshots,
    snapshot_request,
)

router = Router(tags=["reports"])


class SnapshotIn(InputSchema):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="A month that has ended: YYYY-MM")


class SnapshotQuery(Schema):
    format: Literal["json", "csv", "xlsx"] = "json"


class TrendMonthOut(Schema):
    month: datetime.date
    active_members: int | None
    hours_given: float | None
    suppressed: str


class SnapshotReportOut(OutputsOut):
    trend: list[TrendMonthOut]
    outcomes: OutcomesOut | None = Field(
        default=None, description="The month's suppressed outcomes; none in older snapshots"
    )


class SnapshotOut(Schema):
    id: int
    programme_id: int
    period_start: datetime.date
    period_end: datetime.date
    status: str = Field(description="queued, building, ready or failed")
    progress: int = Field(description="Percent of the build done")
    step: str
    requested_at: datetime.datetime
    started_at: datetime.datetime | None
    generated_at: datetime.datetime | None
    parameters: dict
    error: str = Field(description="Why a failed build failed; shown to programme admins")


class SnapshotDetailOut(SnapshotOut):
    report: SnapshotReportOut | None = Field(description="The suppressed report, once ready")


def _may_request(request, programme) -> bool:
    return has_permission(request.auth, Action.PROGRAMME_REPORTS_SNAPSHOT, programme=programme)


def _out(snapshot: Snapshot, *, may_request: bool, report: bool = False) -> dict:
    """A failed build's error is for those who can try again: it may quote the data."""
    out = {field: getattr(snapshot, field) for field in SnapshotOut.model_fields}
    out["error"] = snapshot.error if may_request else ""
    if report:
        out["report"] = snapshot.report
    return out


@router.post(
    "/programmes/{programme_id}/reports/snapshots",
    response={200: SnapshotOut, 202: SnapshotOut},
    summary="Ask for a month's snapshot (202 when a build was queued, 200 when it exists)",
)
def request_snapshot(request, programme_id: int, payload: SnapshotIn):
    programme = programme_or_404(programme_id)
    snapshot, queued = snapshot_request(
        actor=request.auth, programme=programme, month=payload.month
    )
    return Status(202 if queued else 200, _out(snapshot, may_request=True))


@router.get(
    "/programmes/{programme_id}/reports/snapshots",
    response=list[SnapshotOut],
    summary="A programme's snapshots, newest month first",
)
def list_snapshots(request, programme_id: int):
    programme = programme_or_404(programme_id)
    snapshots = programme_snapshots(actor=request.auth, programme=programme)
    may_request = _may_request(request, programme)
    return [_out(snapshot, may_request=may_request) for snapshot in snapshots]


@router.get(
    "/programmes/{programme_id}/reports/snapshots/{snapshot_id}",
    response=SnapshotDetailOut,
    summary="One snapshot: its progress, and its report once ready (also as CSV or XLSX)",
)
def get_snapshot(request, programme_id: int, snapshot_id: int, query: Query[SnapshotQuery]):
    programme = programme_or_404(programme_id)
    snapshot = programme_snapshot(actor=request.auth, programme=programme, snapshot_id=snapshot_id)
    if query.format == "json":
        return _out(snapshot, may_request=_may_request(request, programme), report=True)
    if snapshot.status != Snapshot.Status.READY:
        raise Conflict(
            _("The snapshot is not ready yet."),
            code="snapshot_not_ready",
            detail={"status": snapshot.status, "progress": snapshot.progress},
        )
    name = f"snapshot-{programme.pk}-{snapshot.period_start:%Y-%m}"
    if query.format == "csv":
        response = HttpResponse(report_csv(snapshot.report), content_type="text/csv; charset=utf-8")
    else:
        about = report_about(
            snapshot.report,
            programme_name=programme.name,
            generated_at=timezone.localtime(snapshot.generated_at),
        )
        response = HttpResponse(report_xlsx(snapshot.report, about=about), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{query.format}"'
    return response
