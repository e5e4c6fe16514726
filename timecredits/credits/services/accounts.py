"""Opening the ledger accounts the domain's parties hold credits in (through the facade, like every
other write to the ledger)."""

from ledger.kinds import AccountKind
from ledger.services import account_open


def organisation_account_open(*, organisation):
    """The account an organisation gives credits from and accepts them into."""
    return account_open(kind=AccountKind.ORGANISATION, organisation=organisation)
