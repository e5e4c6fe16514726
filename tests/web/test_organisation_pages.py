"""Organisation and programme pages enforce the same permissions as the API."""

import pytest

from partners.models import Participation, StaffMembership
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    StaffMembershipFactory,
)
from timecredits.members.models import Member
from timecredits.programmes.models import ProgrammeRole

pytestmark = pytest.mark.django_db


def test_a_coordinator_registers_a_member_and_lands_on_their_printable_card(client):
    coordinator = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)
    Participation.objects.create(
        programme=ProgrammeFactory(), organisation=coordinator.organisation, status="approved"
    )
    client.force_login(coordinator.user)

    response = client.post(
        f"/organisations/{coordinator.organisation.pk}/",
        {"form": "register", "first_name": "Nell", "last_name": "Price", "terms_agreed": "on"},
        follow=True,
    )

    member = Member.objects.get()
    assert response.redirect_chain[-1][0] == (
        f"/organisations/{coordinator.organisation.pk}/members/{member.pk}/card/"
    )
    assert "Nell Price" in response.content.decode()
    assert "<svg" in response.content.decode()


def test_registering_without_confirming_the_terms_shows_why_and_creates_nothing(client):
    coordinator = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)
    Participation.objects.create(
        programme=ProgrammeFactory(), organisation=coordinator.organisation, status="approved"
    )
    client.force_login(coordinator.user)

    response = client.post(
        f"/organisations/{coordinator.organisation.pk}/",
        {"form": "register", "first_name": "Nell", "last_name": "Price"},
    )

    assert response.status_code == 200
    assert (
        "Go through the terms of use with them, and confirm here that they agreed."
        in response.content.decode()
    )
    assert Member.objects.count() == 0


def test_another_organisations_coordinator_cannot_print_the_card(client):
    member = MemberFactory(registered_by_organisation=OrganisationFactory())
    outsider = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)
    client.force_login(outsider.user)

    response = client.get(
        f"/organisations/{member.registered_by_organisation.pk}/members/{member.pk}/card/"
    )

    assert response.status_code == 403
    assert "You do not have a role that allows this here." in response.content.decode()


def test_a_member_cannot_open_an_organisations_staff_page(client):
    member = MemberFactory()
    client.force_login(member.user)

    assert client.get(f"/organisations/{OrganisationFactory().pk}/").status_code == 403


def test_programme_admin_approves_on_the_web(client):
    role = ProgrammeRoleFactory(role=ProgrammeRole.Role.ADMIN)
    organisation = OrganisationFactory(name="Canal Friends")
    Participation.objects.create(programme=role.programme, organisation=organisation)
    client.force_login(role.user)

    response = client.post(
        f"/programmes/{role.programme.pk}/organisations/{organisation.pk}/decide",
        {"decision": "approve"},
        follow=True,
    )

    assert "Canal Friends is approved." in response.content.decode()
    assert Participation.objects.get().status == "approved"


def test_commissioner_cannot_change_the_policy_on_the_web(client):
    role = ProgrammeRoleFactory(role=ProgrammeRole.Role.COMMISSIONER)
    client.force_login(role.user)

    response = client.post(
        f"/programmes/{role.programme.pk}/admin/",
        {"minutes_per_credit": 30, "rounding_minutes": 15, "report_threshold": 5},
    )

    assert response.status_code == 403
    role.programme.refresh_from_db()
    assert role.programme.minutes_per_credit == 60
