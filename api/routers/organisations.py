"""Organisations: details, staff and invitations, and members registered by a coordinator."""

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from api.schemas import InputSchema
from partners.models import Organisation, Participation
from partners.selectors import organisation_staff
from partners.services import organisations as services
from timecredits.errors import NotFound
from timecredits.members.passes import pass_url
from timecredits.members.use_cases import (
    member_register_assisted,
    organisation_member_card_replace,
)
from timecredits.programmes.models import ProgrammeRole

router = Router(tags=["organisations"])
invitations = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    contact_email: str
    contact_phone: str
    website: str
    address: str
    postcode: str
    area: str
    programme_ids: list[int]

    @staticmethod
    def of(organisation: Organisation) -> "OrganisationOut":
        return OrganisationOut(
            **{
                f: getattr(organisation, f)
                for f in OrganisationOut.model_fields
                if f != "programme_ids"
            },
            programme_ids=[
                p.programme_id
                for p in organisation.participation_set.all()
                if p.status == Participation.Status.APPROVED
            ],
        )


class OrganisationPatch(InputSchema):
    """A field left out stays as it is. None of them can be null (send "" to clear one): the
    None default only marks a field as left out, since pydantic does not validate defaults."""

    name: str = Field(default=None, max_length=200)
    description: str = None
    contact_email: str = Field(default=None, max_length=254)
    contact_phone: str = Field(default=None, max_length=20)
    website: str = Field(default=None, max_length=200)
    address: str = None
    postcode: str = Field(default=None, max_length=8)
    area: str = Field(default=None, max_length=200)


class StaffOut(Schema):
    user_id: int
    name: str
    email: str
    role: str
    since: datetime


class InvitationIn(InputSchema):
    email: str = Field(max_length=254)
    role: str


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    created_at: datetime


class AcceptIn(InputSchema):
    token: str = Field(max_length=500)


class MembershipOut(Schema):
    organisation_id: int
    role: str


class AssistedRegistrationIn(InputSchema):
    programme_id: int
    first_name: str = Field(max_length=150)
    last_name: str = Field(default="", max_length=150)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=30)
    terms_agreed: bool = Field(
        description="The coordinator went through the terms of use with the person, in "
        "person, and they agreed. Must be true; recorded as given through the coordinator."
    )
    reports_consent: bool = False
    surveys_consent: bool = False
    new_to_volunteering: bool | None = None


class RegisteredMemberOut(Schema):
    id: int
    code: str
    first_name: str
    last_name: str


def visible_organisations(user):
    """Approved organisations, plus pending ones to their own staff and the programme's admins."""
    if user.is_superuser:
        return Organisation.objects.all()
    admin_of = ProgrammeRole.objects.filter(user=user, role=ProgrammeRole.Role.ADMIN).values(
        "programme"
    )
    return Organisation.objects.filter(
        Q(participation__status=Participation.Status.APPROVED)
        | Q(staff__user=user)
        | Q(participation__programme__in=admin_of)
    ).distinct()


def _organisation(request, organisation_id: int) -> Organisation:
    organisation = (
        visible_organisations(request.auth)
        .prefetch_related("participation_set")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    return organisation


@router.get("", response=list[OrganisationOut], summary="Organisations")
def list_organisations(request):
    return [
        OrganisationOut.of(o)
        for o in visible_organisations(request.auth).prefetch_related("participation_set")
    ]


@router.get("/{organisation_id}", response=OrganisationOut, summary="One organisation")
def get_organisation(request, organisation_id: int):
    return OrganisationOut.of(_organisation(request, organisation_id))


@router.patch("/{organisation_id}", response=OrganisationOut, summary="Change details (org admins)")
def update_organisation(request, organisation_id: int, payload: OrganisationPatch):
    organisation = services.organisation_update(
        actor=request.auth,
        organisation=_organisation(request, organisation_id),
        **payload.dict(exclude_unset=True),
    )
    return OrganisationOut.of(organisation)


@router.get("/{organisation_id}/staff", response=list[StaffOut], summary="Staff (org admins)")
def list_staff(request, organisation_id: int):
    staff = organisation_staff(
        actor=request.auth, organisation=_organisation(request, organisation_id)
    )
    return [
        StaffOut(
            user_id=s.user_id,
            name=s.user.get_full_name(),
            email=s.user.email,
            role=s.role,
            since=s.created_at,
        )
        for s in staff
    ]


@router.post(
    "/{organisation_id}/invitations",
    response={201: InvitationOut},
    summary="Invite someone to the staff by email (org admins)",
)
def invite(request, organisation_id: int, payload: InvitationIn):
    invitation, _token = services.invitation_create(
        actor=request.auth, organisation=_organisation(request, organisation_id), **payload.dict()
    )
    return Status(
        201,
        InvitationOut(
            id=invitation.pk,
            email=invitation.email,
            role=invitation.role,
            created_at=invitation.created_at,
        ),
    )


@router.post(
    "/{organisation_id}/members",
    response={201: RegisteredMemberOut},
    summary="Register a member who has no smartphone or email (coordinators)",
)
def register_member(request, organisation_id: int, payload: AssistedRegistrationIn):
    # Not seen unless visible to the caller; the use case loads it and checks the rest.
    _organisation(request, organisation_id)
    member = member_register_assisted(
        actor=request.auth, organisation_id=organisation_id, **payload.dict()
    )
    return Status(
        201,
        RegisteredMemberOut(
            id=member.pk,
            code=member.code,
            first_name=member.user.first_name,
            last_name=member.user.last_name,
        ),
    )


class ReissuedCardOut(Schema):
    code: str
    pass_url: str = Field(description="What the new printed card's QR code carries.")


@router.post(
    "/{organisation_id}/members/{member_id}/card/replace",
    response=ReissuedCardOut,
    summary="Reissue the card of a member the group registered; the old card stops working",
)
def reissue_member_card(request, organisation_id: int, member_id: int):
    _organisation(request, organisation_id)  # as above
    member = organisation_member_card_replace(
        actor=request.auth, organisation_id=organisation_id, member_id=member_id
    )
    return ReissuedCardOut(code=member.code, pass_url=pass_url(member))


@invitations.post("/accept", response=MembershipOut, summary="Accept a staff invitation")
def accept_invitation(request, payload: AcceptIn):
    membership = services.invitation_accept(actor=request.auth, token=payload.token)
    return MembershipOut(organisation_id=membership.organisation_id, role=membership.role)
