"""Spending's postings: a hold reserves a member's credits for a venue, then is captured (the
spend posts), released by the member, or timed out. The spending app posts only through here;
each returns the ledger's transfer."""

import datetime

from ledger.kinds import TransferKind
from ledger.services import hold_create, hold_expire, hold_post, hold_void

# What a spending hold names as its cause, with the redemption's id.
CAUSE = "redemption"


def spend_hold(*, redemption, debit, credit, timeout: datetime.timedelta, posted_by):
    """Reserve a member's credits for a venue until the redemption is completed or released;
    the hold is named after the redemption, so asking again holds once."""
    return hold_create(
        debit=debit,
        credit=credit,
        amount=redemption.cost_minutes,
        kind=TransferKind.SPEND,
        idempotency_key=f"redemption:{redemption.pk}:hold",
        timeout=timeout,
        cause_type=CAUSE,
        cause_id=redemption.pk,
        memo=redemption.offer.title[:500],
        posted_by=posted_by,
    )


def spend_capture(*, redemption, posted_by):
    """The venue completed the redemption: the held credits post as a spend, once."""
    return hold_post(
        hold=redemption.hold,
        idempotency_key=f"redemption:{redemption.pk}:complete",
        posted_by=posted_by,
    )


def spend_release(*, hold, idempotency_key: str, posted_by):
    """The member cancelled: the held credits are free again."""
    return hold_void(hold=hold, idempotency_key=idempotency_key, posted_by=posted_by)


def spend_expire(*, hold):
    """The code ran out: time the hold out now, as the ledger's own job would."""
    return hold_expire(hold=hold)
