"""Organisations applying, being approved, inviting staff and registering members."""

import re
import time

import pytest
from django.core import mail, signing

from ledger.models import Account
from partners.models import Invitation, Organisation, Participation, StaffMembership
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    StaffMembershipFactory,
    UserFactory,
    coordinator_taking_part,
)
from timecredits.members.models import Member, User
from timecredits.programmes.models import ProgrammeRole

pytestmark = pytest.mark.django_db(transaction=True)  # invitations are emailed on commit


def _admin_of_approved_org():
    admin = StaffMembershipFactory(role=StaffMembership.Role.ORG_ADMIN)
    programme = ProgrammeFactory()
    Participation.objects.create(
        programme=programme, organisation=admin.organisation, status="approved"
    )
    return admin.user, admin.organisation, programme


def test_applying_creates_a_pending_organisation_run_by_the_applicant(client):
    programme = ProgrammeFactory()
    applicant = UserFactory()
    client.force_login(applicant)

    response = client.post(
        f"/api/v1/programmes/{programme.pk}/organisations",
        {"name": "Riverside Repair Café", "kind": "group", "area": "Riverside"},
        content_type="application/json",
    )

    assert response.status_code == 201
    organisation = Organisation.objects.get()
    assert organisation.slug == "riverside-repair-cafe"
    assert Participation.objects.get().status == "pending"
    assert StaffMembership.objects.get().user == applicant
    assert response.json()["programme_ids"] == []
    assert Account.objects.get(organisation=organisation).kind == "organisation"


def test_a_programme_admin_approves_and_it_becomes_visible_to_members(client):
    programme = ProgrammeFactory()
    pending = OrganisationFactory()
    Participation.objects.create(programme=programme, organisation=pending)
    admin = ProgrammeRoleFactory(programme=programme, role=ProgrammeRole.Role.ADMIN).user
    member = MemberFactory(programme=programme)

    client.force_login(member.user)
    assert client.get(f"/api/v1/organisations/{pending.pk}").status_code == 404
    client.force_login(admin)
    response = client.post(f"/api/v1/programmes/{programme.pk}/organisations/{pending.pk}/approve")
    client.force_login(member.user)

    assert response.json()["status"] == "approved"
    assert client.get(f"/api/v1/organisations/{pending.pk}").json()["programme_ids"] == [
        programme.pk
    ]


def test_an_invitation_is_emailed_and_accepted_once(client):
    admin, organisation, _ = _admin_of_approved_org()
    client.force_login(admin)

    response = client.post(
        f"/api/v1/organisations/{organisation.pk}/invitations",
        {"email": "rosa@example.org", "role": "coordinator"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    rosa = UserFactory()
    client.force_login(rosa)
    accepted = client.post(
        "/api/v1/invitations/accept", {"token": token}, content_type="application/json"
    )
    # Sent again by Rosa (a double tap): the same acceptance. By anyone else: used.
    again = client.post(
        "/api/v1/invitations/accept", {"token": token}, content_type="application/json"
    )
    client.force_login(UserFactory())
    someone_else = client.post(
        "/api/v1/invitations/accept", {"token": token}, content_type="application/json"
    )

    assert accepted.json() == {"organisation_id": organisation.pk, "role": "coordinator"}
    assert again.status_code == 200 and again.json() == accepted.json()
    assert someone_else.status_code == 409
    assert someone_else.json()["error"]["code"] == "invitation_used"
    assert StaffMembership.objects.filter(user=rosa).count() == 1


def test_forged_and_expired_invitations_are_refused(client, settings):
    admin, organisation, _ = _admin_of_approved_org()
    invitation = Invitation.objects.create(
        organisation=organisation, email="x@example.org", role="coordinator", invited_by=admin
    )
    client.force_login(UserFactory())
    forged = signing.dumps(invitation.pk, salt="something else")

    class FifteenDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 15 * 24 * 3600)

    expired = FifteenDaysAgo(salt="partners.invitation").sign_object(invitation.pk)

    bad = client.post(
        "/api/v1/invitations/accept", {"token": forged}, content_type="application/json"
    )
    old = client.post(
        "/api/v1/invitations/accept", {"token": expired}, content_type="application/json"
    )

    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invitation_invalid")
    assert (old.status_code, old.json()["error"]["code"]) == (422, "invitation_expired")
    assert StaffMembership.objects.filter(organisation=organisation).count() == 1


def test_a_coordinator_registers_a_member_without_phone_or_email(client):
    programme = ProgrammeFactory()
    coordinator = coordinator_taking_part(programme)
    client.force_login(coordinator.user)

    response = client.post(
        f"/api/v1/organisations/{coordinator.organisation.pk}/members",
        {
            "programme_id": programme.pk,
            "first_name": "Nell",
            "last_name": "Price",
            "terms_agreed": True,
            "reports_consent": True,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    member = Member.objects.get()
    assert response.json()["code"] == member.code
    assert member.registered_by_organisation == coordinator.organisation
    assert not member.user.has_usable_password()
    assert member.user.email == ""
    assert list(member.consent_records.values_list("purpose", "granted", "recorded_by")) == [
        ("terms", True, coordinator.user.pk),
        ("reports", True, coordinator.user.pk),
        ("surveys", False, coordinator.user.pk),
    ]


@pytest.mark.parametrize(
    ("terms", "field", "message"),
    [
        (
            {"terms_agreed": False},
            "terms_agreed",
            "Go through the terms of use with them, and confirm here that they agreed.",
        ),
        ({}, "payload.terms_agreed", "This field is required."),
    ],
)
def test_registering_a_member_needs_the_coordinator_to_confirm_they_agreed_to_the_terms(
    client, terms, field, message
):
    programme = ProgrammeFactory()
    coordinator = coordinator_taking_part(programme)
    client.force_login(coordinator.user)

    response = client.post(
        f"/api/v1/organisations/{coordinator.organisation.pk}/members",
        {"programme_id": programme.pk, "first_name": "Nell", **terms},
        content_type="application/json",
    )

    assert response.status_code == 422
    problem = response.json()["error"]["detail"][0]
    assert (problem["field"], problem["message"]) == (field, message)
    assert Member.objects.count() == 0
    assert User.objects.filter(first_name="Nell").count() == 0


def test_a_coordinator_cannot_register_into_a_programme_their_organisation_is_not_in(client):
    coordinator = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)
    client.force_login(coordinator.user)

    response = client.post(
        f"/api/v1/organisations/{coordinator.organisation.pk}/members",
        {"programme_id": ProgrammeFactory().pk, "first_name": "Nell", "terms_agreed": True},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "programme"
    assert Member.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rounding_minutes": 20}, "rounding_minutes"),
        ({"report_threshold": 1}, "report_threshold"),
        ({"minutes_per_credit": 0}, "minutes_per_credit"),
        ({"minutes_per_credit": None}, "minutes_per_credit"),
        # Under the 15 minutes time is rounded to: nobody could earn a credit.
        ({"daily_cap_minutes": 5}, "daily_cap_minutes"),
        ({"daily_cap_minutes": 20, "rounding_minutes": 30}, "daily_cap_minutes"),
    ],
)
def test_invalid_policy_is_422_and_changes_nothing(client, change, field):
    role = ProgrammeRoleFactory(role=ProgrammeRole.Role.ADMIN)
    client.force_login(role.user)

    response = client.patch(
        f"/api/v1/programmes/{role.programme.pk}", change, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == field
    role.programme.refresh_from_db()
    assert (
        role.programme.rounding_minutes,
        role.programme.report_threshold,
        role.programme.minutes_per_credit,
    ) == (15, 5, 60)


def test_inviting_an_address_again_sends_the_same_invitation_in_the_new_role(client):
    # Three rows (and three open links) for one person, each a way in, in whatever role.
    admin, organisation, _ = _admin_of_approved_org()
    client.force_login(admin)
    path = f"/api/v1/organisations/{organisation.pk}/invitations"

    for email, role in [("rosa@example.org", "org_admin"), ("Rosa@Example.org ", "coordinator")]:
        sent = client.post(path, {"email": email, "role": role}, content_type="application/json")
        assert sent.status_code == 201

    (invitation,) = Invitation.objects.all()
    assert (invitation.email, invitation.role) == ("rosa@example.org", "coordinator")
    assert len(mail.outbox) == 2  # sent again, as asked
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[-1].body).group(1)
    client.force_login(UserFactory())
    accepted = client.post(
        "/api/v1/invitations/accept", {"token": token}, content_type="application/json"
    )
    assert accepted.json()["role"] == "coordinator"
