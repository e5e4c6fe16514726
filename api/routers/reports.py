"""Output reports: a programme's, with disclosure control, and an organisation's own."""

import datetime
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from api.routes import path_view
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


# What a report's route says it is, and the file it downloads as, by the scope its path names.
REPORT_SUMMARIES = {
    "programme": "A programme's {of}, with small numbers suppressed",
    "organisation": "An organisation's own {of}, for its coordinators and admins",
}
REPORT_FILES = {"programme": "{of}-{id}", "organisation": "{of}-organisation-{id}"}


def report_route(router, scope: str, of: str, report, query_schema, response, *, operation_id):
    """The route of a programme's report of `of` ("outputs", "outcomes"), with small numbers
    suppressed, or (`scope` "organisation") an organisation's own: `report` (the use case) answers
    as JSON or, where the query offers ?format=csv or xlsx, as the file REPORT_FILES names.
    `operation_id` names the route in the OpenAPI document, as it was published."""
    path = f"/{scope}s/{{{scope}_id}}/reports/{of}"

    def view(request, query, **ids):
        asked = query.asked()
        if asked.get("download"):
            asked["name"] = REPORT_FILES[scope].format(of=of, id=ids[f"{scope}_id"])
        return served(report(actor=request.user, **ids, **asked))

    summary = REPORT_SUMMARIES[scope].format(of=of)
    route = router.get(path, response=response, summary=summary, operation_id=operation_id)
    return route(path_view(path, view, query=Query[query_schema]))


programme_outputs = report_route(
    router,
    "programme",
    "outputs",
    outputs.programme_report,
    ProgrammeOutputsQuery,
    OutputsOut,
    operation_id="api_routers_reports_programme_outputs",
)


organisation_outputs = report_route(
    router,
    "organisation",
    "outputs",
    outputs.organisation_report,
    OrganisationOutputsQuery,
    OutputsOut,
    operation_id="api_routers_reports_organisation_outputs",
)
