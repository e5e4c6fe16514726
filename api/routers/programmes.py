"""Programmes: their credit policy, organisations applying and being approved, allocations, and
the population figures reports measure reach against."""

import uuid
from datetime import date

from ninja import File, Router, Schema, UploadedFile
from pydantic import Field

from api.routes import create_route
from api.schemas import IdempotencyKey, InputSchema
from timecredits.programmes import use_cases

from .credits import TransferFields
from .organisations import OrganisationOut

router = Router(tags=["programmes"])


class ProgrammeOut(Schema):
    id: int
    name: str
    slug: str
    area: str
    starts_on: date
    ends_on: date | None
    minutes_per_credit: int
    rounding_minutes: int
    daily_cap_minutes: int | None
    expiry_months: int | None
    report_threshold: int


class PolicyPatch(InputSchema):
    minutes_per_credit: int | None = None
    rounding_minutes: int | None = None
    daily_cap_minutes: int | None = None
    expiry_months: int | None = None
    report_threshold: int | None = None


class ApplicationIn(InputSchema):
    name: str = Field(max_length=200)
    kind: str
    description: str = ""
    contact_email: str = Field(default="", max_length=254)
    contact_phone: str = Field(default="", max_length=20)
    website: str = Field(default="", max_length=200)
    address: str = ""
    postcode: str = Field(default="", max_length=8)
    area: str = Field(default="", max_length=200)


class ParticipationOut(Schema):
    organisation_id: int
    programme_id: int
    status: str


@router.get("", response=list[ProgrammeOut], summary="Programmes")
def list_programmes(request):
    return use_cases.programmes_list(actor=request.auth)


@router.get("/{programme_id}", response=ProgrammeOut, summary="One programme and its policy")
def get_programme(request, programme_id: int):
    return use_cases.programme_show(actor=request.auth, programme_id=programme_id)


@router.patch(
    "/{programme_id}", response=ProgrammeOut, summary="Change the credit policy (programme admins)"
)
def update_policy(request, programme_id: int, payload: PolicyPatch):
    return use_cases.programme_update_policy(
        actor=request.auth, programme_id=programme_id, **payload.dict(exclude_unset=True)
    )


apply = create_route(
    router,
    "/{programme_id}/organisations",
    use_cases.organisation_apply,
    ApplicationIn,
    OrganisationOut,
    "Register an organisation and apply to join the programme",
    operation_id="api_routers_programmes_apply",
)


@router.get(
    "/{programme_id}/organisations",
    response=list[ParticipationOut],
    summary="Organisations in the programme, with their approval (programme admins)",
)
def list_participations(request, programme_id: int, status: str | None = None):
    return use_cases.participations_list(
        actor=request.auth, programme_id=programme_id, status=status
    )


def _decision(verb: str):
    """The approve and decline endpoints: the same decision, either way."""

    @router.post(
        f"/{{programme_id}}/organisations/{{organisation_id}}/{verb}",
        response=ParticipationOut,
        summary=f"{verb.capitalize()} an organisation (programme admins)",
        operation_id=f"api_routers_programmes_{verb}",  # as published when they were two
    )
    def decide(request, programme_id: int, organisation_id: int):
        return use_cases.participation_decide(
            actor=request.auth,
            programme_id=programme_id,
            organisation_id=organisation_id,
            decision=verb,
        )

    return decide


approve = _decision("approve")
decline = _decision("decline")


class AllocationIn(InputSchema):
    organisation_id: int
    credits: int = Field(ge=1, description="Whole credits (one credit is 60 minutes).")
    reason: str = Field(max_length=500)


class AllocationOut(TransferFields):
    organisation_id: int = Field(alias="credit_account.organisation_id")
    reason: str = Field(alias="memo")
    organisation_balance: int = Field(
        alias="credit_balance_after", description="The group's balance after it, in minutes."
    )


@router.post(
    "/{programme_id}/allocations",
    response={201: AllocationOut},
    summary="Allocate credits from the programme to a group (programme admins)",
)
def allocate(
    request,
    programme_id: int,
    payload: AllocationIn,
    idempotency_key: str | None = IdempotencyKey("the group is funded once"),
):
    return use_cases.credits_allocate(
        actor=request.auth,
        programme_id=programme_id,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
        **payload.dict(),
    )


class PopulationFigureOut(Schema):
    area: str
    age_band: str
    population: int
    source: str


@router.post(
    "/{programme_id}/population",
    response=list[PopulationFigureOut],
    summary="Replace the population figures from a CSV upload (programme admins)",
    description=(
        "A multipart upload with one file, `file`: a CSV whose first line names the columns "
        "area, age_band (optional; blank is all ages), population and source (optional). "
        "All or nothing: a bad line is refused by its number and nothing changes."
    ),
)
def import_population(request, programme_id: int, file: File[UploadedFile]):
    return use_cases.population_import(actor=request.auth, programme_id=programme_id, file=file)
