"""Credits once earned: gifts and donations, organisation gifts, venue statements, expiries."""

import uuid
from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, model_validator

from api.schemas import IdempotencyKey, InputSchema, read_from
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
    transfer_id: int
    minutes: int
    posted_at: datetime

    resolve_transfer_id = read_from("pk")
    resolve_minutes = read_from("amount")


class TransferOut(TransferFields):
    kind: str
    message: str
    balance_after: int = Field(description="The giver's balance after it, in minutes.")

    resolve_message = read_from("memo")
    resolve_balance_after = read_from("debit_balance_after")


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
    posted_at: datetime
    kind: str

    resolve_posted_at = read_from("transfer.posted_at")
    resolve_kind = read_from("transfer.kind")


class VenueStatementLineOut(TransferLineFields):
    transfer_id: int
    cause: str
    description: str
    minutes: int = Field(description="Signed: a refunded spend counts against the month.")

    resolve_transfer_id = read_from("transfer.pk")
    resolve_cause = read_from("transfer.cause")
    resolve_description = read_from("description")


class VenueStatementOut(Schema):
    organisation_id: int
    month: str
    lines: list[VenueStatementLineOut]
    accepted: int
    refunded: int
    net: int
    retired: int | None = Field(description="Minutes retired for this month, once the job ran.")

    resolve_organisation_id = read_from("organisation.pk")

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
    member_code: str
    reversed: bool

    resolve_member_code = read_from("debit_account.member.code")


class ReverseIn(InputSchema):
    reason: str = Field(default="", max_length=500)


class ReversalOut(TransferFields):
    reverses: int
    reason: str
    member_balance: int = Field(description="The member's balance after it, in minutes.")

    resolve_reverses = read_from("reverses_id")
    resolve_reason = read_from("memo")
    resolve_member_balance = read_from("credit_balance_after")


@router.get(
    "/programmes/{programme_id}/expiries",
    response=list[ExpiryOut],
    summary="The programme's latest expiries (programme admins)",
)
def expiries(request, programme_id: int):
    return use_cases.expiries_list(actor=request.auth, programme_id=programme_id).expiries


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
