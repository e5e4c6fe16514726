"""Outcome reports: a programme's, with disclosure control, and an organisation's own."""

from ninja import Router, Schema
from pydantic import Field

from timecredits.reports.use_cases import outcomes

from .reports import (
    FigureOut,
    OrganisationScope,
    PeriodQuery,
    ProgrammeScope,
    ScopeOut,
    TableOut,
    download,
    report_route,
)

router = Router(tags=["reports"])


class OutcomesQuery(PeriodQuery):
    area: str = Field(default="", max_length=8)
    format: str = Field(default="json", pattern="^(json|csv|xlsx)$")

    def asked(self) -> dict:
        return super().asked() | {"area": self.area, "download": download(self.format)}


class ProgrammeOutcomesQuery(ProgrammeScope, OutcomesQuery):
    pass


class OrganisationOutcomesQuery(OrganisationScope, OutcomesQuery):
    pass


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


class OutcomesOut(ScopeOut):
    area: str
    threshold: int
    suppressed: bool
    copyright: list[str]
    measures: list[MeasureOut]
    outcomes: list[OutcomeFiguresOut]


programme_outcomes = report_route(
    router,
    "programme",
    "outcomes",
    outcomes.programme_outcomes_report,
    ProgrammeOutcomesQuery,
    OutcomesOut,
    operation_id="api_routers_outcomes_programme_outcomes",
)


organisation_outcomes = report_route(
    router,
    "organisation",
    "outcomes",
    outcomes.organisation_outcomes_report,
    OrganisationOutcomesQuery,
    OutcomesOut,
    operation_id="api_routers_outcomes_organisation_outcomes",
)
