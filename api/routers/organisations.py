"""Organisations: details, staff and invitations, and members registered by a coordinator."""

from datetime import datetime

from ninja import Router, Schema
from pydantic import Field

from api.routes import create_route, delete_route
from api.schemas import InputSchema
from partners import use_cases

from .members import CardOut

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
    def resolve_programme_ids(organisation) -> list[int]:
        return [
            p.programme_id for p in organisation.participation_set.all() if p.status == "approved"
        ]


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
    id: int = Field(description="This role's id in the staff, to remove it by.")
    user_id: int
    name: str
    email: str = Field(alias="user.email")
    role: str
    since: datetime = Field(alias="created_at")

    @staticmethod
    def resolve_name(staff) -> str:
        return staff.user.get_full_name()


class InvitationIn(InputSchema):
    email: str = Field(max_length=254)
    role: str


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    created_at: datetime
    sent_at: datetime
    expires_at: datetime = Field(
        alias="link_expires_at", description="When the link last sent stops working."
    )


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
    first_name: str = Field(alias="user.first_name")
    last_name: str = Field(alias="user.last_name")


@router.get("", response=list[OrganisationOut], summary="Organisations")
def list_organisations(request):
    return use_cases.organisations_list(actor=request.auth)


@router.get("/{organisation_id}", response=OrganisationOut, summary="One organisation")
def get_organisation(request, organisation_id: int):
    return use_cases.organisation_detail(actor=request.auth, organisation_id=organisation_id)


@router.patch("/{organisation_id}", response=OrganisationOut, summary="Change details (org admins)")
def update_organisation(request, organisation_id: int, payload: OrganisationPatch):
    return use_cases.organisation_update(
        actor=request.auth, organisation_id=organisation_id, **payload.dict(exclude_unset=True)
    )


@router.get("/{organisation_id}/staff", response=list[StaffOut], summary="Staff (org admins)")
def list_staff(request, organisation_id: int):
    return use_cases.organisation_staff(actor=request.auth, organisation_id=organisation_id)


@router.get(
    "/{organisation_id}/invitations",
    response=list[InvitationOut],
    summary="Invitations not yet accepted (org admins)",
)
def list_invitations(request, organisation_id: int):
    return use_cases.invitations_open(actor=request.auth, organisation_id=organisation_id)


@router.post(
    "/{organisation_id}/invitations",
    response={201: InvitationOut},
    summary="Invite someone to the staff by email (org admins)",
)
def invite(request, organisation_id: int, payload: InvitationIn):
    invitation, _token = use_cases.invitation_create(
        actor=request.auth, organisation_id=organisation_id, **payload.dict()
    )
    return invitation


remove_staff = delete_route(
    router,
    "/{organisation_id}/staff/{membership_id}",
    use_cases.staff_remove,
    "Take a role in the staff away (org admins); the last admin stays",
    operation_id="api_routers_organisations_remove_staff",
)


withdraw_invitation = delete_route(
    router,
    "/{organisation_id}/invitations/{invitation_id}",
    use_cases.invitation_withdraw,
    "Withdraw an invitation not yet accepted, so its link stops working (org admins)",
    operation_id="api_routers_organisations_withdraw_invitation",
)


register_member = create_route(
    router,
    "/{organisation_id}/members",
    use_cases.member_register,
    AssistedRegistrationIn,
    RegisteredMemberOut,
    "Register a member who has no smartphone or email (coordinators)",
    operation_id="api_routers_organisations_register_member",
)


# The member's own card, under the name this route published it with.
class ReissuedCardOut(CardOut):
    pass


@router.post(
    "/{organisation_id}/members/{member_id}/card/replace",
    response=ReissuedCardOut,
    summary="Reissue the card of a member the group registered; the old card stops working",
)
def reissue_member_card(request, organisation_id: int, member_id: int):
    return use_cases.member_card_replace_visible(
        actor=request.auth, organisation_id=organisation_id, member_id=member_id
    )


@invitations.post("/accept", response=MembershipOut, summary="Accept a staff invitation")
def accept_invitation(request, payload: AcceptIn):
    membership, _landing_url = use_cases.invitation_accept(actor=request.auth, token=payload.token)
    return membership
