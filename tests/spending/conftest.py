"""Venue staff, an offer and members who hold credits, on the shared programme and venue."""

import pytest

from ledger.selectors import (
    issuance_account,
    member_account,
    organisation_account,
    programme_account,
)
from ledger.services import account_close, transfer_post
from partners.models import Organisation, StaffMembership
from tests.factories import MemberFactory, StaffMembershipFactory, approved_organisation
from timecredits.spending.use_cases import offer_create


def earn(member, minutes, *, key=None):
    """Credits a member earned, straight from the programme's issuance."""
    return transfer_post(
        debit=issuance_account(programme=member.programme, spread_by=member.pk),
        credit=member_account(member=member),
        amount=minutes,
        kind="earn",
        idempotency_key=key or f"test-earn:{member.pk}:{minutes}",
    )


def funded_member(programme, minutes=300):
    member = MemberFactory(programme=programme)
    if minutes:
        earn(member, minutes)
    return member


def venue_staff(venue, role=StaffMembership.Role.VENUE_STAFF):
    return StaffMembershipFactory(organisation=venue, role=role).user


def make_offer(venue, **values):
    admin = venue_staff(venue, StaffMembership.Role.ORG_ADMIN)
    values = {"title": "Swim", "cost_minutes": 60, "category": "leisure"} | values
    if "programmes" in values:
        values["programme_ids"] = [p.pk for p in values.pop("programmes")]
    return offer_create(actor=admin, organisation_id=venue.pk, **values)


def offer_at_closed_venue(programme, **venue):
    """An offer at a venue whose ledger account has been emptied and closed."""
    closed = approved_organisation(programme, kind=Organisation.Kind.VENUE, **venue)
    offer = make_offer(closed)
    account = organisation_account(organisation=closed)
    transfer_post(
        debit=account,
        credit=programme_account(programme=programme, kind="retirement"),
        amount=account.balance,
        kind="retire",
        idempotency_key="empty-venue",
    )
    account_close(account=account)
    return offer


@pytest.fixture
def venue(programme):
    """Unnamed (an "Organisation <n>"), where the refusals say which venue a code is for."""
    return approved_organisation(programme, kind=Organisation.Kind.VENUE)


@pytest.fixture
def staff(venue):
    return venue_staff(venue)


@pytest.fixture
def offer(venue):
    return make_offer(venue)


@pytest.fixture
def member(programme):
    return funded_member(programme)
