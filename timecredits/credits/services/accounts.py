"""Opening ledger accounts for the domain's owners, through the credits facade: a member's, an
organisation's, and a programme's own (issuance shards, pool, retirement, expiry)."""

from ledger import services as ledger
from ledger.kinds import AccountKind


def member_account_open(*, member) -> None:
    ledger.account_open(kind=AccountKind.MEMBER, member=member)


def organisation_account_open(*, organisation) -> None:
    ledger.account_open(kind=AccountKind.ORGANISATION, organisation=organisation)


def programme_accounts_open(*, programme) -> None:
    """Open whichever of the programme's accounts it lacks; safe to run twice."""
    ledger.programme_accounts_open(programme=programme)
