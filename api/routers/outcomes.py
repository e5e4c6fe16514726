"""Outcome reports: a programme's, with disclosure control, and an organisation's own."""

import datetime

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from api.lookups import organisation_or_404, programme_or_404
from timecredits.reports.exports import XLSX
from timecredits.reports.outcome_services import (
    organisation_outcomes_report,
    outcomes_about,
    outcomes_csv,
    outcomes_xlsx,
    programme_outcomes_report,
)

from .reports import FigureOut, TableOut

router = Router(tags=["reports"])


class OutcomesQuery(Schema):
    period_start: datetime.date = Field(alias="from")
    period_end: datetime.date = Field(alias="to")
    area: str = Field(default="", max_length=8)
    format: str = Field(default="json", pattern="^(json|csv|xlsx)$")


class ProgrammeOutcomesQuery(OutcomesQuery):
    organisation: int | None = None


class OrganisationOutcomesQuery(OutcomesQuery):
    programme: int | None = None


class BlockOut(Schema):
    wave: int
    name: str
    figures: list[FigureOut]
    table: TableOut


class MeasureOut(Schema):
    key: str
    label: str
    instrument: str
    copyright: str
    better: str = Field(description='"higher", "lower", or "" for answers with no order')
    share: bool
    waves: list[BlockOut]
    changes: list[BlockOut]


class IndicatorFiguresOut(Schema):
    id: int
    name: str
    measures: list[str]
    figures: list[FigureOut]
    table: TableOut


class OutcomeFiguresOut(Schema):
    id: int
    name: str
    figures: list[FigureOut]
    table: TableOut
    indicators: list[IndicatorFiguresOut]


class OutcomesOut(Schema):
    programme_id: int
    organisation_id: int | None
    period_start: datetime.date
    period_end: datetime.date
    area: str
    threshold: int
    suppressed: bool
    copyright: list[str]
    measures: list[MeasureOut]
    outcomes: list[OutcomeFiguresOut]


def _respond(report, query, name, *, organisation=None):
    if query.format == "csv":
        response = HttpResponse(outcomes_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="outcomes-{name}.csv"'
        return response
    if query.format == "xlsx":
        about = outcomes_about(
            report,
            programme_name=programme_or_404(report["programme_id"]).name,
            organisation_name=organisation.name if organisation is not None else "",
            generated_at=timezone.localtime(),
        )
        response = HttpResponse(outcomes_xlsx(report, about=about), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="outcomes-{name}.xlsx"'
        return response
    return report


@router.get(
    "/programmes/{programme_id}/reports/outcomes",
    response=OutcomesOut,
    summary="A programme's outcomes, with small numbers suppressed",
)
def programme_outcomes(request, programme_id: int, query: Query[ProgrammeOutcomesQuery]):
    programme = programme_or_404(programme_id)
    organisation = (
        organisation_or_404(query.organisation) if query.organisation is not None else None
    )
    report = programme_outcomes_report(
        actor=request.user,
        programme=programme,
        period_start=query.period_start,
        period_end=query.period_end,
        organisation=organisation,
        area=query.area,
    )
    return _respond(report, query, programme.pk, organisation=organisation)


@router.get(
    "/organisations/{organisation_id}/reports/outcomes",
    response=OutcomesOut,
    summary="An organisation's own outcomes, for its coordinators and admins",
)
def organisation_outcomes(request, organisation_id: int, query: Query[OrganisationOutcomesQuery]):
    organisation = organisation_or_404(organisation_id)
    programme = programme_or_404(query.programme) if query.programme is not None else None
    report = organisation_outcomes_report(
        actor=request.user,
        organisation=organisation,
        programme=programme,
        period_start=query.period_start,
        period_end=query.period_end,
        area=query.area,
    )
    return _respond(report, query, f"organisation-{organisation.pk}", organisation=organisation)
