"""Outcome reports: a programme's, with disclosure control, and an organisation's own."""

import datetime

from ninja import Query, Router, Schema
from pydantic import Field

from timecredits.reports.exports import served
from timecredits.reports.use_cases import outcomes

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


def _asked(request, query: OutcomesQuery, name: str) -> dict:
    """The period, area and download the query asks for (a download named `name`)."""
    return {
        "actor": request.user,
        "period_start": query.period_start,
        "period_end": query.period_end,
        "area": query.area,
        "download": "" if query.format == "json" else query.format,
        "name": name,
    }


@router.get(
    "/programmes/{programme_id}/reports/outcomes",
    response=OutcomesOut,
    summary="A programme's outcomes, with small numbers suppressed",
)
def programme_outcomes(request, programme_id: int, query: Query[ProgrammeOutcomesQuery]):
    report = outcomes.programme_outcomes_report(
        programme_id=programme_id,
        organisation_id=query.organisation,
        **_asked(request, query, f"outcomes-{programme_id}"),
    )
    return served(report)


@router.get(
    "/organisations/{organisation_id}/reports/outcomes",
    response=OutcomesOut,
    summary="An organisation's own outcomes, for its coordinators and admins",
)
def organisation_outcomes(request, organisation_id: int, query: Query[OrganisationOutcomesQuery]):
    report = outcomes.organisation_outcomes_report(
        organisation_id=organisation_id,
        programme_id=query.programme,
        **_asked(request, query, f"outcomes-organisation-{organisation_id}"),
    )
    return served(report)
