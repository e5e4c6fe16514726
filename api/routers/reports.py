"""Output reports: a programme's, with disclosure control, and an organisation's own."""

import datetime
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from api.lookups import organisation_or_404, programme_or_404
from timecredits.reports.exports import XLSX, report_about, report_xlsx
from timecredits.reports.selectors import DEMOGRAPHICS
from timecredits.reports.services import organisation_report, programme_report, report_csv

router = Router(tags=["reports"])


class OutputsQuery(Schema):
    period_start: datetime.date = Field(alias="from")
    period_end: datetime.date = Field(alias="to")
    activity_type: str = Field(default="", max_length=32)
    area: str = Field(default="", max_length=8)
    age_band: str = Field(default="", max_length=20)
    gender: str = Field(default="", max_length=20)
    ethnicity: str = Field(default="", max_length=20)
    disability: str = Field(default="", max_length=20)
    employment_status: str = Field(default="", max_length=20)

    def demographics(self) -> dict:
        return {name: getattr(self, name) for name in DEMOGRAPHICS}


class ProgrammeOutputsQuery(OutputsQuery):
    organisation: int | None = None
    format: Literal["json", "csv", "xlsx"] = "json"


class OrganisationOutputsQuery(OutputsQuery):
    programme: int | None = None


class FigureOut(Schema):
    key: str
    label: str
    value: float | int | None
    suppressed: str


class ColumnOut(Schema):
    key: str
    label: str


class RowOut(Schema):
    key: str
    label: str
    values: dict[str, float | int | None]


class SuppressedOut(Schema):
    row: str
    column: str
    reason: str
    why: str


class TableOut(Schema):
    name: str
    title: str
    note: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    total: dict[str, float | int | None]
    total_label: str
    suppressed: list[SuppressedOut]


class OutputsOut(Schema):
    programme_id: int
    organisation_id: int | None
    period_start: datetime.date
    period_end: datetime.date
    activity_type: str
    area: str
    demographics: dict[str, str]
    notes: list[str]
    threshold: int
    suppressed: bool
    figures: list[FigureOut]
    tables: list[TableOut]
    as_of: datetime.datetime | None = Field(
        None, description="When the figures were computed (a programme's dashboard only)."
    )
    from_worker: bool = Field(
        False,
        description="Whether they are the background worker's kept figures, refreshed every few "
        "minutes, rather than computed for this request.",
    )


@router.get(
    "/programmes/{programme_id}/reports/outputs",
    response=OutputsOut,
    summary="A programme's outputs, with small numbers suppressed",
)
def programme_outputs(request, programme_id: int, query: Query[ProgrammeOutputsQuery]):
    programme = programme_or_404(programme_id)
    organisation = (
        organisation_or_404(query.organisation) if query.organisation is not None else None
    )
    report = programme_report(
        actor=request.user,
        programme=programme,
        period_start=query.period_start,
        period_end=query.period_end,
        organisation=organisation,
        activity_type=query.activity_type,
        area=query.area,
        demographics=query.demographics(),
    )
    if query.format == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="outputs-{programme.pk}.csv"'
        return response
    if query.format == "xlsx":
        about = report_about(
            report,
            programme_name=programme.name,
            organisation_name=organisation.name if organisation is not None else "",
            generated_at=timezone.localtime(),
        )
        response = HttpResponse(report_xlsx(report, about=about), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="outputs-{programme.pk}.xlsx"'
        return response
    return report


@router.get(
    "/organisations/{organisation_id}/reports/outputs",
    response=OutputsOut,
    summary="An organisation's own outputs, for its coordinators and admins",
)
def organisation_outputs(request, organisation_id: int, query: Query[OrganisationOutputsQuery]):
    organisation = organisation_or_404(organisation_id)
    programme = programme_or_404(query.programme) if query.programme is not None else None
    return organisation_report(
        actor=request.user,
        organisation=organisation,
        programme=programme,
        period_start=query.period_start,
        period_end=query.period_end,
        activity_type=query.activity_type,
        area=query.area,
        demographics=query.demographics(),
    )
