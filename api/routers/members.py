"""Members: joining, and the member's own profile, consents, demographics and data export."""

from datetime import datetime
from typing import TYPE_CHECKING

from ninja import Router, Schema
from pydantic import Field

from api.schemas import InputSchema
from timecredits.members import use_cases
from timecredits.members.passes import pass_url
from timecredits.ratelimit import client_network

if TYPE_CHECKING:
    from timecredits.members.models import Member

router = Router(tags=["members"])


class DemographicsIn(InputSchema):
    age_band: str = ""
    gender: str = ""
    ethnicity: str = ""
    disability: str = ""
    employment_status: str = ""
    postcode: str = ""


class SignUpIn(InputSchema):
    programme: str = Field(description="The programme's slug.")
    first_name: str = Field(max_length=150)
    last_name: str = Field(default="", max_length=150)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=30)
    password: str = Field(max_length=4096)
    accept_terms: bool
    reports_consent: bool = False
    surveys_consent: bool = False
    new_to_volunteering: bool | None = None
    demographics: DemographicsIn | None = None


class ProfileIn(InputSchema):
    first_name: str = Field(max_length=150)
    last_name: str = Field(default="", max_length=150)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=30)


class ConsentsIn(InputSchema):
    reports: bool
    surveys: bool


class CloseIn(InputSchema):
    confirm: bool = Field(description="Must be true: closing cannot be undone.")
    donate_to_organisation_id: int | None = Field(
        default=None,
        description="A group in the member's programme to receive their remaining credits; "
        "by default they go to the programme's pool.",
    )


class ClosedOut(Schema):
    code: str
    closed_at: datetime


class CardOut(Schema):
    code: str
    pass_url: str = Field(description="What the new printed card's QR code carries.")

    @staticmethod
    def resolve_pass_url(member: "Member") -> str:
        return pass_url(member)


class MemberOut(Schema):
    id: int
    code: str
    programme_id: int
    first_name: str = Field(alias="user.first_name")
    last_name: str = Field(alias="user.last_name")
    email: str = Field(alias="user.email")
    phone: str = Field(alias="user.phone")
    joined_at: datetime
    new_to_volunteering: bool | None
    reports_consent: bool
    surveys_consent: bool
    demographics: DemographicsIn

    @staticmethod
    def resolve_demographics(member: "Member") -> dict:
        return {field: getattr(member, field) for field in DemographicsIn.model_fields}


@router.post("", auth=None, response={201: MemberOut}, summary="Join a programme")
def sign_up(request, payload: SignUpIn):
    return use_cases.member_sign_up(
        client=client_network(request),
        programme_slug=payload.programme,
        details=payload.dict(exclude={"programme", "demographics"}),
        demographics=payload.demographics.dict() if payload.demographics else None,
    )


@router.get("/me", response=MemberOut, summary="My profile")
def my_profile(request):
    return use_cases.member_profile(actor=request.auth)


@router.put("/me", response=MemberOut, summary="Change my name or contact details")
def update_my_profile(request, payload: ProfileIn):
    return use_cases.member_update_profile(actor=request.auth, **payload.dict())


@router.put("/me/consents", response=MemberOut, summary="Give or withdraw my consents")
def update_my_consents(request, payload: ConsentsIn):
    return use_cases.member_set_consents(actor=request.auth, **payload.dict())


@router.put(
    "/me/demographics", response=MemberOut, summary="Answer (or clear) the optional questions"
)
def update_my_demographics(request, payload: DemographicsIn):
    return use_cases.member_set_demographics(actor=request.auth, demographics=payload.dict())


@router.get("/me/export", response=dict, summary="Download everything held about me")
def export_my_data(request):
    return use_cases.member_data_export(actor=request.auth)


@router.post(
    "/me/card/replace",
    response=CardOut,
    summary="Replace my member card: every card printed before stops working",
)
def replace_my_card(request):
    return use_cases.member_card_replace(actor=request.auth)


@router.post("/me/close", response=ClosedOut, summary="Close my account and erase my personal data")
def close_my_account(request, payload: CloseIn):
    return use_cases.member_close(
        actor=request.auth,
        confirm=payload.confirm,
        donate_to_organisation_id=payload.donate_to_organisation_id,
    )
