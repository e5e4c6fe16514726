"""Optional valuation: a programme's own proxy values, and the estimates made from them."""

import datetime
from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from api.routes import create_route
from api.schemas import LAX, InputSchema
from timecredits.reports.use_cases import valuation as use_cases

from .reports import PeriodQuery, ProgrammeScope

router = Router(tags=["valuation"])


class ValuationQuery(ProgrammeScope, PeriodQuery):
    area: str = Field(default="", max_length=8)

    def asked(self) -> dict:
        return super().asked() | {"area": self.area}


class LineOut(Schema):
    proxy_id: int
    name: str
    basis: str
    unit: str
    outcome_id: int | None
    outcome_name: str
    quantity: Decimal | None
    value_per_unit: Decimal
    deadweight_percent: Decimal
    attribution_percent: Decimal
    gross: Decimal | None
    net: Decimal | None = Field(description="The estimate: gross less deadweight and attribution.")
    source: str
    withheld: str = Field(description="Why the line is not valued, if it is not.")


class ValuationOut(Schema):
    title: str
    note: str
    programme_id: int
    organisation_id: int | None
    period_start: datetime.date
    period_end: datetime.date
    area: str
    threshold: int
    lines: list[LineOut]


class ProxyValueIn(InputSchema):
    name: str = Field(max_length=200)
    basis: str = Field(description="hour: per hour given; outcome: per member who improved.")
    outcome_id: int | None = None
    value: Decimal = Field(description="Pounds per unit.", **LAX)
    source: str = Field(description="Where the figure comes from.")
    deadweight_percent: Decimal = Field(default=Decimal(0), **LAX)
    attribution_percent: Decimal = Field(default=Decimal(0), **LAX)


class ProxyValueOut(Schema):
    id: int
    name: str
    basis: str
    outcome_id: int | None
    value: Decimal
    source: str
    deadweight_percent: Decimal
    attribution_percent: Decimal


@router.get(
    "/programmes/{programme_id}/reports/valuation",
    response=ValuationOut,
    summary="Estimates of value from the programme's own proxies, with small numbers withheld",
)
def valuation(request, programme_id: int, query: Query[ValuationQuery]):
    return use_cases.programme_valuation(
        actor=request.user, programme_id=programme_id, **query.asked()
    )


@router.get(
    "/programmes/{programme_id}/proxy-values",
    response=list[ProxyValueOut],
    summary="The programme's proxy values",
)
def list_proxy_values(request, programme_id: int):
    return list(use_cases.proxy_values_list(actor=request.user, programme_id=programme_id))


add_proxy_value = create_route(
    router,
    "/programmes/{programme_id}/proxy-values",
    use_cases.proxy_value_create,
    ProxyValueIn,
    ProxyValueOut,
    "Add a proxy value, with its source",
    operation_id="api_routers_valuation_add_proxy_value",
    body_name="body",
)


@router.delete(
    "/programmes/{programme_id}/proxy-values/{proxy_id}",
    response={204: None},
    summary="Remove a proxy value",
)
def remove_proxy_value(request, programme_id: int, proxy_id: int):
    use_cases.proxy_value_remove(actor=request.user, programme_id=programme_id, proxy_id=proxy_id)
