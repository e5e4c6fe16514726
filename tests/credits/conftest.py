"""Members and venues holding credits, posted through the ledger as earning or spending would."""

import pytest

from ledger.models import Account, Transfer
from ledger.selectors import issuance_account, member_account
from ledger.services import transfer_post


def earn(member, minutes, *, key=None):
    """Credit a member as an approved contribution would."""
    return transfer_post(
        debit=issuance_account(programme=member.programme, spread_by=member.pk),
        credit=member_account(member=member),
        amount=minutes,
        kind=Transfer.Kind.EARN,
        idempotency_key=key or f"test-earn:{member.pk}:{minutes}",
    )


def balance(account_or_member) -> int:
    if isinstance(account_or_member, Account):
        return Account.objects.get(pk=account_or_member.pk).balance
    return member_account(member=account_or_member).balance


@pytest.fixture
def funded(db):
    """A member of a programme holding 5 credits, and another member of the same programme."""
    from tests.factories import MemberFactory, ProgrammeFactory

    programme = ProgrammeFactory()
    giver = MemberFactory(programme=programme)
    recipient = MemberFactory(programme=programme)
    earn(giver, 300)
    return giver, recipient
