"""A programme's monthly report snapshots: ask for one, follow its progress, read or download it."""

import datetime
from typing import Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from api.routers.outcomes import OutcomesOut
from api.routers.reports import OutputsOut
from api.schemas import InputSchema
from timecredits.reports.use_cases import snapshots

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


def _out(snapshot, *, may_request: bool, report: bool = False) -> dict:
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
    snapshot, queued = snapshots.snapshot_request(
        actor=request.auth, programme_id=programme_id, month=payload.month
    )
    return Status(202 if queued else 200, _out(snapshot, may_request=True))


@router.get(
    "/programmes/{programme_id}/reports/snapshots",
    response=list[SnapshotOut],
    summary="A programme's snapshots, newest month first",
)
def list_snapshots(request, programme_id: int):
    page = snapshots.programme_snapshots(actor=request.auth, programme_id=programme_id)
    return [_out(snapshot, may_request=page["may_request"]) for snapshot in page["snapshots"]]


@router.get(
    "/programmes/{programme_id}/reports/snapshots/{snapshot_id}",
    response=SnapshotDetailOut,
    summary="One snapshot: its progress, and its report once ready (also as CSV or XLSX)",
)
def get_snapshot(request, programme_id: int, snapshot_id: int, query: Query[SnapshotQuery]):
    asked = {"actor": request.auth, "programme_id": programme_id, "snapshot_id": snapshot_id}
    if query.format == "json":
        page = snapshots.programme_snapshot(**asked)
        return _out(page["snapshot"], may_request=page["may_request"], report=True)
    return snapshots.snapshot_download(**asked, format=query.format).response()
