"""Opening ledger accounts for the domain's owners, through the credits facade: a member's, an
organisation's, and a programme's own (issuance shards, pool, retirement, expiry)."""

from ledger import services as ledger
from ledger.kinds import AccountKind


def member_account_open(*, member) -> None:
    ledger.account_open(kind=AccountKind.MEMBER, member=member)


def organisation_account_open(*, organisation) -> None:
    ledger.account_open(kind=AccountKind.ORGANISATION, organisation=organisation)


def programme_accounts_open(*, programme) -> list:
    """The programme's issuance shards, pool, retirement and expiry accounts, opening whichever
    it lacks; safe to run twice."""
    return ledger.programme_accounts_open(programme=programme)
