"""Members and venues holding credits, posted through the ledger as earning or spending would."""

from ledger.models import Account, Transfer
from ledger.selectors import (
    issuance_account,
    member_account,
    organisation_account,
    programme_account,
)
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


def expired(member, minutes=120, *, key=None):
    """Credits a member earned, then lost to the programme's expiry: the `expire` transfer."""
    key = key or f"test-expired:{member.pk}:{minutes}"
    earn(member, minutes, key=f"earn-{key}")
    return transfer_post(
        debit=member_account(member=member),
        credit=programme_account(programme=member.programme, kind=Account.Kind.EXPIRY),
        amount=minutes,
        kind=Transfer.Kind.EXPIRE,
        idempotency_key=key,
    )


def balance(account_or_member) -> int:
    if isinstance(account_or_member, Account):
        return Account.objects.get(pk=account_or_member.pk).balance
    return member_account(member=account_or_member).balance


def approved_venue(*programmes, kind="venue"):
    """A venue approved in each of the programmes."""
    from partners.models import Participation
    from tests.factories import OrganisationFactory

    venue = OrganisationFactory(kind=kind, name="Riverside Pool")
    for programme in programmes:
        Participation.objects.create(programme=programme, organisation=venue, status="approved")
    return venue


def spend(member, venue, minutes, key, offer="Swim"):
    """Credit a venue with a member's credits, as a completed redemption would."""
    return transfer_post(
        debit=member_account(member=member),
        credit=organisation_account(organisation=venue),
        amount=minutes,
        kind=Transfer.Kind.SPEND,
        idempotency_key=key,
        cause_type="redemption",
        cause_id=7,
        memo=offer,
    )
