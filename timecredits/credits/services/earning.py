"""Earning: credits for approved time, posted from the group that ran the session to the member,
and the reversal of an earning that is undone.

Keys come from the contribution and how many times it has earned before, so approving twice posts
once, and approving again after an undo posts a new transfer rather than replaying the reversed
one. Callers hold the contribution's row lock, which keeps that count still.
"""

from dataclasses import dataclass

from ledger.kinds import AccountKind, TransferKind
from ledger.selectors import cause_transfer_counts, cause_transfer_latest, owner_accounts
from ledger.services import TransferSpec, transfer_post_many, transfer_reverse

CAUSE = "contribution"


@dataclass(frozen=True)
class Earning:
    contribution_id: int
    organisation_id: int  # the group that pays, from the budget its programme allocated to it
    member_id: int
    amount: int  # in ledger minutes
    memo: str = ""


def earnings_post(*, earnings: list[Earning], posted_by):
    """Post the earnings together, all or none. Raises the ledger's InsufficientCredit when a
    group's budget cannot pay them."""
    accounts = owner_accounts(
        organisation_ids={e.organisation_id for e in earnings},
        member_ids={e.member_id for e in earnings},
    )
    before = cause_transfer_counts(
        kind=TransferKind.EARN, cause_type=CAUSE, cause_ids=[e.contribution_id for e in earnings]
    )
    specs = [
        TransferSpec(
            debit=accounts[(AccountKind.ORGANISATION, e.organisation_id)],
            credit=accounts[(AccountKind.MEMBER, e.member_id)],
            amount=e.amount,
            kind=TransferKind.EARN,
            idempotency_key=f"earn:{CAUSE}:{e.contribution_id}:{before.get(e.contribution_id, 0)}",
            cause_type=CAUSE,
            cause_id=e.contribution_id,
            memo=e.memo,
        )
        for e in earnings
    ]
    return transfer_post_many(specs=specs, posted_by=posted_by)


def earning_reverse(*, contribution_id: int, posted_by, memo: str):
    """Reverse the contribution's latest earning, if it has one that stands."""
    earned = cause_transfer_latest(
        kind=TransferKind.EARN, cause_type=CAUSE, cause_id=contribution_id
    )
    if earned is None:
        return None
    return transfer_reverse(
        transfer=earned,
        idempotency_key=f"reverse:{earned.idempotency_key}",
        memo=memo[:500],
        posted_by=posted_by,
    )
