"""Retiring a leaving member's credits: what they hold goes to a group they chose, or to their
programme's pool, and their ledger account closes, keeping its history against their
pseudonymous code. Opening the account when they join is here too: the two ends of its life."""

from ledger.kinds import AccountKind, TransferKind
from ledger.selectors import member_account, organisation_account, programme_account
from ledger.services import account_close, account_open, transfer_post


def member_account_open(*, member) -> None:
    account_open(kind=AccountKind.MEMBER, member=member)


def member_credits_retire(*, member, donate_to=None) -> None:
    """Donate the member's balance (to `donate_to`, a group, or else the programme's pool) and
    close their account. A hold booked since the caller looked makes the ledger refuse to
    close it."""
    account = member_account(member=member)
    if account.balance > 0:
        pool = (
            organisation_account(organisation=donate_to)
            if donate_to is not None
            else programme_account(programme=member.programme, kind=AccountKind.POOL)
        )
        transfer_post(
            debit=account,
            credit=pool,
            amount=account.balance,
            kind=TransferKind.DONATE,
            idempotency_key=f"member-close:{member.pk}",
            cause_type="member_closure",
            cause_id=member.pk,
            memo="Balance donated when the member closed their account",
            posted_by=member.user,
        )
    account_close(account=account)
