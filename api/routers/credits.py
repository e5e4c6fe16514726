"""Credits once earned: gifts and donations, organisation gifts, venue statements, expiries."""

import uuid
from datetime import datetime
from functools import partial

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, model_validator

from api.paging import page_query, paged
from api.schemas import IdempotencyKey, InputSchema
from timecredits.credits import use_cases
from timecredits.credits.use_cases import MAX_AMOUNT

router = Router(tags=["credits"])

IDEMPOTENCY_KEY = IdempotencyKey("the credits move once")


class GiftIn(InputSchema):
    member_code: str | None = Field(
        default=None, max_length=20, description="The code on the recipient's member card."
    )
    pass_token: str | None = Field(
        default=None, max_length=500, description="Or the token of their scanned pass."
    )
    minutes: int = Field(le=MAX_AMOUNT, description="Minutes to give (60 minutes = 1 credit).")
    message: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def one_recipient(self):
        if bool(self.member_code) == bool(self.pass_token):
            raise ValueError(_("Give either member_code or pass_token."))
        return self


class DonationIn(InputSchema):
    organisation_id: int | None = Field(
        default=None, description="A group in your programme; leave out for the programme pool."
    )
    minutes: int = Field(le=MAX_AMOUNT, description="Minutes to donate (60 minutes = 1 credit).")
    message: str = Field(default="", max_length=500)


class OrganisationGiftIn(InputSchema):
    organisation_id: int = Field(description="The organisation receiving the credits.")
    minutes: int = Field(le=MAX_AMOUNT, description="Minutes to give (60 minutes = 1 credit).")
    reason: str = Field(max_length=500)


# A transfer's id, amount and time, named for what they are, in every output that shows one.
class TransferFields(Schema):
    transfer_id: int = Field(alias="pk")
    minutes: int = Field(alias="amount")
    posted_at: datetime


class TransferOut(TransferFields):
    kind: str
    message: str = Field(alias="memo")
    balance_after: int = Field(
        alias="debit_balance_after", description="The giver's balance after it, in minutes."
    )


@router.post("/gifts", response={201: TransferOut}, summary="Give credits to another member")
def give(request, payload: GiftIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    gift = use_cases.gift_give(
        actor=request.auth, idempotency_key=idempotency_key or uuid.uuid4().hex, **payload.dict()
    )
    return gift.transfer


@router.post(
    "/donations",
    response={201: TransferOut},
    summary="Donate credits to a group in your programme, or to its pool",
)
def donation(request, payload: DonationIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    return use_cases.donation_give(
        actor=request.auth, idempotency_key=idempotency_key or uuid.uuid4().hex, **payload.dict()
    )


@router.post(
    "/organisations/{organisation_id}/gifts",
    response={201: TransferOut},
    summary="Give an organisation's credits to another organisation (org admins)",
)
def organisation_give(
    request,
    organisation_id: int,
    payload: OrganisationGiftIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
):
    return use_cases.organisation_gift(
        actor=request.auth,
        organisation_id=organisation_id,
        recipient_id=payload.organisation_id,
        minutes=payload.minutes,
        reason=payload.reason,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
    )


# A statement's or a history's line shows a transfer: when it was posted, and what kind it is.
class TransferLineFields(Schema):
    posted_at: datetime = Field(alias="transfer.posted_at")
    kind: str = Field(alias="transfer.kind")


class VenueStatementLineOut(TransferLineFields):
    transfer_id: int = Field(alias="transfer.pk")
    cause: str = Field(alias="transfer.cause")
    description: str
    minutes: int = Field(description="Signed: a refunded spend counts against the month.")


class VenueStatementOut(Schema):
    organisation_id: int = Field(alias="organisation.pk")
    month: str
    lines: list[VenueStatementLineOut]
    accepted: int
    refunded: int
    net: int
    retired: int | None = Field(description="Minutes retired for this month, once the job ran.")

    @staticmethod
    def resolve_month(statement) -> str:
        return f"{statement.month:%Y-%m}"

    @staticmethod
    def resolve_retired(statement) -> int | None:
        return statement.retired.amount if statement.retired else None


class VenueStatementQuery(Schema):
    month: str | None = Field(default=None, description="YYYY-MM; this month if left out.")


def _statement(request, organisation_id: int, month: str | None):
    return use_cases.statement_show(
        actor=request.auth, organisation_id=organisation_id, month=month
    )


@router.get(
    "/organisations/{organisation_id}/statement",
    response=VenueStatementOut,
    summary="What a venue accepted in a month (venue staff, org admins)",
)
def statement(request, organisation_id: int, query: Query[VenueStatementQuery]):
    return _statement(request, organisation_id, query.month).statement


@router.get(
    "/organisations/{organisation_id}/statement.csv",
    summary="The same statement as CSV (venue staff, org admins)",
    response={200: None},
)
def statement_download(request, organisation_id: int, query: Query[VenueStatementQuery]):
    page = _statement(request, organisation_id, query.month)
    return page.download.response()


class ExpiryOut(TransferFields):
    member_code: str = Field(alias="debit_account.member.code")
    reversed: bool


class ReverseIn(InputSchema):
    reason: str = Field(default="", max_length=500)


class ReversalOut(TransferFields):
    reverses: int = Field(alias="reverses_id")
    reason: str = Field(alias="memo")
    member_balance: int = Field(
        alias="credit_balance_after", description="The member's balance after it, in minutes."
    )


class ExpiriesQuery(page_query(limit=50, most=100)):
    member_code: str = Field(
        default="", max_length=20, description="Only this member's (their member code)."
    )


@router.get(
    "/programmes/{programme_id}/expiries",
    response=list[ExpiryOut],
    summary="The programme's expiries, newest first; paginated (programme admins)",
)
def expiries(request, response: HttpResponse, programme_id: int, query: Query[ExpiriesQuery]):
    read = partial(
        use_cases.expiries_read,
        actor=request.auth,
        programme_id=programme_id,
        member_code=query.member_code,
    )
    return paged(request, response, query, read)


@router.post(
    "/programmes/{programme_id}/expiries/{transfer_id}/reverse",
    response={201: ReversalOut},
    summary="Give a member back credits that expired (programme admins); once per expiry",
)
def reverse_expiry(
    request,
    programme_id: int,
    transfer_id: int,
    payload: ReverseIn | None = None,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
):
    return use_cases.expiry_reverse(
        actor=request.auth,
        programme_id=programme_id,
        transfer_id=transfer_id,
        reason=payload.reason if payload else "",
        idempotency_key=idempotency_key,
    )
