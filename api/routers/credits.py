"""Credits once earned: gifts and donations, organisation gifts, venue statements, expiries."""

import uuid
from datetime import datetime

from ninja import Header, Router, Schema, Status
from pydantic import Field, model_validator

from ledger.models import Transfer
from partners.models import Organisation
from timecredits.credits.services.gifts import (
    donate,
    gift_to_member,
    organisation_gift,
    recipient_by_code,
    recipient_by_pass,
)
from timecredits.errors import NotFound
from timecredits.permissions import Action, require

router = Router(tags=["credits"])

IDEMPOTENCY_KEY = Header(
    default=None,
    alias="Idempotency-Key",
    description="Send the same key again to retry safely: the credits move once.",
)


class GiftIn(Schema):
    member_code: str | None = Field(
        default=None, max_length=20, description="The code on the recipient's member card."
    )
    pass_token: str | None = Field(
        default=None, max_length=500, description="Or the token of their scanned pass."
    )
    minutes: int = Field(description="Minutes to give (60 minutes = 1 credit).")
    message: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def one_recipient(self):
        if bool(self.member_code) == bool(self.pass_token):
            raise ValueError("Give either member_code or pass_token.")
        return self


class DonationIn(Schema):
    organisation_id: int | None = Field(
        default=None, description="A group in your programme; leave out for the programme pool."
    )
    minutes: int = Field(description="Minutes to donate (60 minutes = 1 credit).")
    message: str = Field(default="", max_length=500)


class OrganisationGiftIn(Schema):
    organisation_id: int = Field(description="The organisation receiving the credits.")
    minutes: int = Field(description="Minutes to give (60 minutes = 1 credit).")
    reason: str = Field(max_length=500)


class TransferOut(Schema):
    transfer_id: int
    kind: str
    minutes: int
    message: str
    posted_at: datetime
    balance_after: int = Field(description="The giver's balance after it, in minutes.")

    @staticmethod
    def of(transfer: Transfer) -> "TransferOut":
        return TransferOut(
            transfer_id=transfer.pk,
            kind=transfer.kind,
            minutes=transfer.amount,
            message=transfer.memo,
            posted_at=transfer.posted_at,
            balance_after=transfer.debit_balance_after,
        )


def _organisation(organisation_id: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound("There is no such organisation.")
    return organisation


@router.post("/gifts", response={201: TransferOut}, summary="Give credits to another member")
def give(request, payload: GiftIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    if payload.member_code:
        recipient = recipient_by_code(code=payload.member_code)
    else:
        recipient = recipient_by_pass(pass_token=payload.pass_token)
    transfer = gift_to_member(
        actor=request.auth,
        recipient=recipient,
        minutes=payload.minutes,
        message=payload.message,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
    )
    return Status(201, TransferOut.of(transfer))


@router.post(
    "/donations",
    response={201: TransferOut},
    summary="Donate credits to a group in your programme, or to its pool",
)
def donation(request, payload: DonationIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    organisation = None
    if payload.organisation_id is not None:
        organisation = _organisation(payload.organisation_id)
    transfer = donate(
        actor=request.auth,
        organisation=organisation,
        minutes=payload.minutes,
        message=payload.message,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
    )
    return Status(201, TransferOut.of(transfer))


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
    giver = _organisation(organisation_id)
    require(request.auth, Action.ORGANISATION_CREDITS_GIVE, organisation=giver)
    transfer = organisation_gift(
        actor=request.auth,
        giver=giver,
        recipient=_organisation(payload.organisation_id),
        minutes=payload.minutes,
        reason=payload.reason,
        idempotency_key=idempotency_key or uuid.uuid4().hex,
    )
    return Status(201, TransferOut.of(transfer))
