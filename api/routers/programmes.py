"""Programmes: their credit policy, organisations applying and being approved, allocations, and
the population figures reports measure reach against."""

import uuid
from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import File, Header, Router, Schema, Status, UploadedFile
from pydantic import Field

from api.lookups import programme_or_404
from api.schemas import InputSchema
from partners import use_cases as partner_use_cases
from partners.models import Organisation
from timecredits.errors import NotFound
from timecredits.permissions import Action, require
from timecredits.programmes.models import Programme
from timecredits.programmes.selectors import programme_participations
from timecredits.programmes.services import (
    MAX_POPULATION_BYTES,
    credits_allocate,
    population_import,
    programme_update_policy,
)

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


def _out(programme: Programme) -> ProgrammeOut:
    return ProgrammeOut(**{f: getattr(programme, f) for f in ProgrammeOut.model_fields})


@router.get("", response=list[ProgrammeOut], summary="Programmes")
def list_programmes(request):
    return [_out(p) for p in Programme.objects.all()]


@router.get("/{programme_id}", response=ProgrammeOut, summary="One programme and its policy")
def get_programme(request, programme_id: int):
    return _out(programme_or_404(programme_id))


@router.patch(
    "/{programme_id}", response=ProgrammeOut, summary="Change the credit policy (programme admins)"
)
def update_policy(request, programme_id: int, payload: PolicyPatch):
    programme = programme_update_policy(
        actor=request.auth,
        programme=programme_or_404(programme_id),
        **payload.dict(exclude_unset=True),
    )
    return _out(programme)


@router.post(
    "/{programme_id}/organisations",
    response={201: OrganisationOut},
    summary="Register an organisation and apply to join the programme",
)
def apply(request, programme_id: int, payload: ApplicationIn):
    organisation = partner_use_cases.organisation_apply(
        actor=request.auth, programme_id=programme_id, **payload.dict()
    )
    return Status(201, organisation)


@router.get(
    "/{programme_id}/organisations",
    response=list[ParticipationOut],
    summary="Organisations in the programme, with their approval (programme admins)",
)
def list_participations(request, programme_id: int, status: str | None = None):
    rows = programme_participations(
        actor=request.auth, programme=programme_or_404(programme_id), status=status
    )
    return [
        ParticipationOut(
            organisation_id=p.organisation_id, programme_id=p.programme_id, status=p.status
        )
        for p in rows
    ]


def _decide(request, programme_id: int, organisation_id: int, approve: bool):
    p = partner_use_cases.participation_decide(
        actor=request.auth,
        programme_id=programme_id,
        organisation_id=organisation_id,
        approve=approve,
    )
    return ParticipationOut(
        organisation_id=p.organisation_id, programme_id=p.programme_id, status=p.status
    )


@router.post(
    "/{programme_id}/organisations/{organisation_id}/approve",
    response=ParticipationOut,
    summary="Approve an organisation (programme admins)",
)
def approve(request, programme_id: int, organisation_id: int):
    return _decide(request, programme_id, organisation_id, approve=True)


@router.post(
    "/{programme_id}/organisations/{organisation_id}/decline",
    response=ParticipationOut,
    summary="Decline an organisation (programme admins)",
)
def decline(request, programme_id: int, organisation_id: int):
    return _decide(request, programme_id, organisation_id, approve=False)


class AllocationIn(InputSchema):
    organisation_id: int
    credits: int = Field(ge=1, description="Whole credits (one credit is 60 minutes).")
    reason: str = Field(max_length=500)


class AllocationOut(Schema):
    transfer_id: int
    organisation_id: int
    minutes: int
    reason: str
    posted_at: datetime
    organisation_balance: int = Field(description="The group's balance after it, in minutes.")


@router.post(
    "/{programme_id}/allocations",
    response={201: AllocationOut},
    summary="Allocate credits from the programme to a group (programme admins)",
)
def allocate(
    request,
    programme_id: int,
    payload: AllocationIn,
    idempotency_key: str | None = Header(
        default=None,
        alias="Idempotency-Key",
        description="Send the same key again to retry safely: the group is funded once.",
    ),
):
    programme = programme_or_404(programme_id)
    require(request.auth, Action.PROGRAMME_CREDITS_ALLOCATE, programme=programme)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    transfer = credits_allocate(
        actor=request.auth,
        programme=programme,
        organisation=organisation,
        credits=payload.credits,
        reason=payload.reason,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
    )
    return Status(
        201,
        AllocationOut(
            transfer_id=transfer.pk,
            organisation_id=organisation.pk,
            minutes=transfer.amount,
            reason=transfer.memo,
            posted_at=transfer.posted_at,
            organisation_balance=transfer.credit_balance_after,
        ),
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
    return population_import(
        actor=request.auth,
        programme=programme_or_404(programme_id),
        data=file.read(MAX_POPULATION_BYTES + 1),
    )
