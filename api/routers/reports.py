"""Output reports: a programme's, with disclosure control, and an organisation's own."""

import datetime
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from timecredits.reports.exports import served
from timecredits.reports.forms import DEMOGRAPHIC_LABELS
from timecredits.reports.use_cases import outputs

router = Router(tags=["reports"])


class PeriodQuery(Schema):
    """The period every report is asked for, ?from=YYYY-MM-DD&to=YYYY-MM-DD."""

    period_start: datetime.date = Field(alias="from")
    period_end: datetime.date = Field(alias="to")

    def asked(self) -> dict:
        """The query as the report's use case takes it."""
        return {"period_start": self.period_start, "period_end": self.period_end}


def download(format: str) -> str:
    """What a report's use case is asked to download, for a `format` of json, csv or xlsx."""
    return "" if format == "json" else format


class OutputsQuery(PeriodQuery):
    activity_type: str = Field(default="", max_length=32)
    area: str = Field(default="", max_length=8)
    age_band: str = Field(default="", max_length=20)
    gender: str = Field(default="", max_length=20)
    ethnicity: str = Field(default="", max_length=20)
    disability: str = Field(default="", max_length=20)
    employment_status: str = Field(default="", max_length=20)

    def asked(self) -> dict:
        return super().asked() | {
            "activity_type": self.activity_type,
            "area": self.area,
            "demographics": {name: getattr(self, name) for name in DEMOGRAPHIC_LABELS},
        }


class ProgrammeScope(Schema):
    """A programme's report, narrowed to one organisation in it with ?organisation=ID. Put it
    before the report's query among the bases, so its field follows the query's."""

    organisation: int | None = None

    def asked(self) -> dict:
        return super().asked() | {"organisation_id": self.organisation}


class OrganisationScope(Schema):
    """An organisation's own report, in one of its programmes with ?programme=ID (see
    `ProgrammeScope`)."""

    programme: int | None = None

    def asked(self) -> dict:
        return super().asked() | {"programme_id": self.programme}


class ProgrammeOutputsQuery(ProgrammeScope, OutputsQuery):
    format: Literal["json", "csv", "xlsx"] = "json"

    def asked(self) -> dict:
        return super().asked() | {"download": download(self.format)}


class OrganisationOutputsQuery(OrganisationScope, OutputsQuery):
    pass


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


class ScopeOut(Schema):
    """What a report is of: a programme (or one organisation in it) over a period."""

    programme_id: int
    organisation_id: int | None
    period_start: datetime.date
    period_end: datetime.date


class OutputsOut(ScopeOut):
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


def programme_report_route(router, of: str, report, query_schema, response, *, operation_id):
    """The route of a programme's report of `of` ("outputs", "outcomes"), with small numbers
    suppressed: `report` (the use case) answers as JSON or, with ?format=csv or xlsx, as the file
    `{of}-{programme_id}`. `operation_id` names the route in the OpenAPI document, as it was
    published."""

    @router.get(
        f"/programmes/{{programme_id}}/reports/{of}",
        response=response,
        summary=f"A programme's {of}, with small numbers suppressed",
        operation_id=operation_id,
    )
    def programme_report(request, programme_id: int, query: Query[query_schema]):
        name = f"{of}-{programme_id}"
        return served(
            report(actor=request.user, programme_id=programme_id, name=name, **query.asked())
        )

    return programme_report


programme_outputs = programme_report_route(
    router,
    "outputs",
    outputs.programme_report,
    ProgrammeOutputsQuery,
    OutputsOut,
    operation_id="api_routers_reports_programme_outputs",
)


@router.get(
    "/organisations/{organisation_id}/reports/outputs",
    response=OutputsOut,
    summary="An organisation's own outputs, for its coordinators and admins",
)
def organisation_outputs(request, organisation_id: int, query: Query[OrganisationOutputsQuery]):
    return outputs.organisation_report(
        actor=request.user, organisation_id=organisation_id, **query.asked()
    )
