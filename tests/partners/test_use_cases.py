"""The partners app's use cases check permission once, before anything changes."""

import pytest

from partners import use_cases
from partners.models import Organisation, Participation, StaffMembership
from tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    StaffMembershipFactory,
    UserFactory,
)
from timecredits.errors import NotFound, PermissionDenied


@pytest.fixture
def applied(db):
    programme = ProgrammeFactory()
    organisation = OrganisationFactory()
    Participation.objects.create(programme=programme, organisation=organisation)
    return programme, organisation


def test_a_pending_organisation_is_not_found_by_a_stranger_but_is_by_its_staff(applied):
    _programme, organisation = applied
    staff = StaffMembershipFactory(organisation=organisation).user

    with pytest.raises(NotFound):
        use_cases.organisation_detail(actor=UserFactory(), organisation_id=organisation.pk)
    assert use_cases.organisation_detail(actor=staff, organisation_id=organisation.pk) == (
        organisation
    )


def test_a_stranger_cannot_see_an_organisation_s_page(applied):
    _programme, organisation = applied

    with pytest.raises(PermissionDenied):
        use_cases.organisation_page(actor=UserFactory(), organisation_id=organisation.pk)


def test_redeeming_venues_are_the_venues_whose_till_the_actor_may_use(db):
    venue = OrganisationFactory(kind=Organisation.Kind.VENUE, name="Baths")
    group = OrganisationFactory(kind=Organisation.Kind.GROUP)
    user = StaffMembershipFactory(organisation=venue, role=StaffMembership.Role.VENUE_STAFF).user
    StaffMembershipFactory(organisation=group, user=user, role=StaffMembership.Role.ORG_ADMIN)
    coordinator = StaffMembershipFactory(organisation=venue).user

    assert use_cases.redeeming_venues(actor=user) == [venue]
    assert use_cases.redeeming_venues(actor=coordinator) == []
