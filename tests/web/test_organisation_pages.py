"""Organisation and programme pages enforce the same permissions as the API."""

import pytest

from partners.models import Participation, StaffMembership
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    ProgrammeRoleFactory,
    StaffMembershipFactory,
    approved_organisation,
    coordinator_taking_part,
)
from timecredits.members.models import Member
from timecredits.programmes.models import ProgrammeRole

pytestmark = pytest.mark.django_db


def _coordinator_signed_in(client):
    coordinator = coordinator_taking_part()
    client.force_login(coordinator.user)
    return coordinator


def test_a_coordinator_registers_a_member_and_lands_on_their_printable_card(client):
    coordinator = _coordinator_signed_in(client)

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
    assert "Nell Price is registered. Print this card for them" in response.content.decode()


def test_a_double_tap_on_register_registers_one_person(client):
    # Three taps made three members, each with an account and a card.
    coordinator = _coordinator_signed_in(client)
    page = f"/organisations/{coordinator.organisation.pk}/"
    token = client.get(page).context["register"]["token"].value()
    sent = {"form": "register", "first_name": "Nell", "terms_agreed": "on", "token": token}

    landings = [client.post(page, sent)["Location"] for _ in range(3)]

    member = Member.objects.get()
    assert landings == [f"{page}members/{member.pk}/card/"] * 3
    another = client.post(page, {**sent, "token": "another-form"})
    assert another.status_code == 302 and Member.objects.count() == 2


def test_register_sent_again_with_another_name_says_so_and_registers_nobody(client):
    # Back after registering Nell, type Bob, Register: it landed on Nell's card saying "Bob is
    # registered", and Bob was not.
    coordinator = _coordinator_signed_in(client)
    page = f"/organisations/{coordinator.organisation.pk}/"
    token = client.get(page).context["register"]["token"].value()
    sent = {"form": "register", "first_name": "Nell", "terms_agreed": "on", "token": token}
    client.post(page, sent)

    again = client.post(page, {**sent, "first_name": "Bob"})

    assert again.status_code == 200
    assert "This form was already sent, with other details" in again.content.decode()
    assert list(Member.objects.values_list("user__first_name", flat=True)) == ["Nell"]
    assert again.context["register"]["token"].value() != token


def test_registering_without_confirming_the_terms_shows_why_and_creates_nothing(client):
    coordinator = _coordinator_signed_in(client)

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


@pytest.mark.parametrize("posted", [{"decision": "junk"}, {"decision": ""}, {}])
def test_a_decision_that_is_neither_approve_nor_decline_changes_nothing(client, posted):
    # Anything but "approve" used to decline, so a stray or tampered form declined a group
    # already approved.
    role = ProgrammeRoleFactory(role=ProgrammeRole.Role.ADMIN)
    organisation = OrganisationFactory(name="Canal Friends")
    Participation.objects.create(
        programme=role.programme, organisation=organisation, status="approved"
    )
    client.force_login(role.user)

    response = client.post(
        f"/programmes/{role.programme.pk}/organisations/{organisation.pk}/decide",
        posted,
        follow=True,
    )

    assert response.redirect_chain == [(f"/programmes/{role.programme.pk}/admin/", 302)]
    assert "Choose approve or decline." in response.content.decode()
    assert "declined" not in response.content.decode()
    assert Participation.objects.get().status == "approved"


def _applied_for(client) -> str:
    """Canal Friends waits for a decision; its programme's admin is signed in. The address
    that decides on it."""
    role = ProgrammeRoleFactory(role=ProgrammeRole.Role.ADMIN)
    organisation = OrganisationFactory(name="Canal Friends")
    Participation.objects.create(programme=role.programme, organisation=organisation)
    client.force_login(role.user)
    return f"/programmes/{role.programme.pk}/organisations/{organisation.pk}/decide"


def test_a_decision_from_a_page_drawn_before_another_admins_stands_aside(client):
    # Two admins had the application open; one approved it. The other's Decline, from the page
    # drawn before, was told it succeeded and overrode the approval.
    decide = _applied_for(client)
    client.post(decide, {"decision": "approve"})

    response = client.post(decide, {"decision": "decline"}, follow=True)

    page = response.content.decode()
    assert "Canal Friends was approved meanwhile, by someone else. Nothing was changed." in page
    assert "is declined" not in page
    assert Participation.objects.get().status == "approved"


def test_a_double_tap_on_approve_is_told_it_is_approved(client):
    decide = _applied_for(client)
    client.post(decide, {"decision": "approve"}, follow=True)

    again = client.post(decide, {"decision": "approve"}, follow=True).content.decode()

    assert "Canal Friends is approved." in again
    assert "by someone else" not in again


def test_declining_asks_again_on_the_page(client):
    _applied_for(client)
    programme_id = Participation.objects.get().programme_id

    page = client.get(f"/programmes/{programme_id}/admin/").content.decode()

    decline = page[page.index("<summary>Decline…</summary>") :]
    assert decline.index('value="decline"') < decline.index("</details>")
    assert "Decline Canal Friends" in decline


def test_the_programme_page_links_its_surveys_with_its_other_tools(client):
    role = ProgrammeRoleFactory(role=ProgrammeRole.Role.ADMIN)
    client.force_login(role.user)

    page = client.get(f"/programmes/{role.programme.pk}/admin/").content.decode()

    tools = page[page.index('aria-label="Programme tools"') :].split("</nav>")[0]
    assert f'href="/programmes/{role.programme.pk}/admin/surveys/"' in tools


def test_a_programme_admin_sets_the_credit_policy_in_hours(client):
    role = ProgrammeRoleFactory(role=ProgrammeRole.Role.ADMIN)
    client.force_login(role.user)
    path = f"/programmes/{role.programme.pk}/admin/"
    policy = {"rounding_minutes": 15, "report_threshold": 5}

    shown = client.get(path).content.decode()
    saved = client.post(path, {**policy, "minutes_per_credit": "1.5", "daily_cap_minutes": "6"})
    too_long = client.post(path, {**policy, "minutes_per_credit": "25", "daily_cap_minutes": ""})

    assert 'name="minutes_per_credit" value="1"' in shown  # 60 minutes, shown as an hour
    assert "Hours given for one credit" in shown and "Most hours a member" in shown
    assert saved.status_code == 302
    assert too_long.status_code == 200
    assert "less than or equal to 24" in too_long.content.decode()
    role.programme.refresh_from_db()
    assert (role.programme.minutes_per_credit, role.programme.daily_cap_minutes) == (90, 360)


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


def venue_staff(kind="venue"):
    return StaffMembershipFactory(
        organisation=OrganisationFactory(kind=kind, name="Riverside Pool"),
        role=StaffMembership.Role.VENUE_STAFF,
    )


def test_venue_staff_see_their_venues_page_with_their_tools_only(client):
    staff = venue_staff()
    client.force_login(staff.user)
    venue = staff.organisation

    response = client.get(f"/organisations/{venue.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Riverside Pool</h1>" in page
    assert f'href="/organisations/{venue.pk}/redeem/"' in page
    assert f'href="/organisations/{venue.pk}/offers/"' in page
    assert f'href="/organisations/{venue.pk}/statement/"' in page
    assert f'href="/organisations/{venue.pk}/sessions/"' not in page
    assert 'name="form" value="details"' not in page
    assert 'name="form" value="invite"' not in page
    assert 'name="form" value="register"' not in page
    assert 'id="staff-heading"' not in page


def test_venue_staff_cannot_change_their_venues_details(client):
    staff = venue_staff()
    client.force_login(staff.user)

    response = client.post(
        f"/organisations/{staff.organisation.pk}/", {"form": "details", "name": "Renamed"}
    )

    assert response.status_code == 403
    staff.organisation.refresh_from_db()
    assert staff.organisation.name == "Riverside Pool"


def test_another_venues_staff_cannot_open_the_page(client):
    client.force_login(venue_staff().user)

    response = client.get(f"/organisations/{OrganisationFactory(kind='venue').pk}/")

    assert response.status_code == 403


def test_a_coordinator_sees_links_to_sessions_and_verification(client):
    coordinator = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)
    organisation = coordinator.organisation
    client.force_login(coordinator.user)

    page = client.get(f"/organisations/{organisation.pk}/").content.decode()

    assert f'href="/organisations/{organisation.pk}/sessions/"' in page
    assert f'href="/organisations/{organisation.pk}/verify/"' in page
    assert f'href="/organisations/{organisation.pk}/redeem/"' not in page


def invited(organisation, role):
    from partners.services.organisations import invitation_create

    admin = StaffMembershipFactory(organisation=organisation, role=StaffMembership.Role.ORG_ADMIN)
    kind = organisation.kind
    if role not in organisation.staff_roles:
        # Sent while it was a venue too, before it became a group alone.
        organisation.kind = "both"
        organisation.save(update_fields=["kind"])
    _invitation, token = invitation_create(
        actor=admin.user, organisation=organisation, email=f"{role}@example.org", role=role
    )
    organisation.kind = kind
    organisation.save(update_fields=["kind"])
    return token


@pytest.mark.parametrize(
    ("kind", "offered", "refused"),
    [
        ("group", ["org_admin", "coordinator"], "venue_staff"),
        ("venue", ["org_admin", "venue_staff"], "coordinator"),
    ],
)
def test_an_invitation_offers_only_the_roles_the_organisation_has(client, kind, offered, refused):
    # A group's venue staff had no till to work at: they landed on a page with nothing to do.
    organisation = OrganisationFactory(kind=kind)
    admin = StaffMembershipFactory(organisation=organisation, role=StaffMembership.Role.ORG_ADMIN)
    client.force_login(admin.user)

    page = client.get(f"/organisations/{organisation.pk}/")
    sent = client.post(
        f"/organisations/{organisation.pk}/",
        {"form": "invite", "email": "new@example.org", "role": refused},
    )

    choices = page.context["invite"].fields["role"].choices
    assert [value for value, _ in choices] == offered
    # Its help speaks of the roles offered only: a group has no till.
    helps = page.context["invite"].fields["role"].help_text
    assert ("till" in helps, "Coordinators" in helps) == (kind == "venue", kind == "group")
    assert sent.status_code == 200
    assert not organisation.invitations.exists()


@pytest.mark.parametrize(
    ("kind", "role", "landing"),
    [
        ("venue", "venue_staff", "/organisations/{pk}/redeem/"),
        ("both", "venue_staff", "/organisations/{pk}/redeem/"),
        ("group", "venue_staff", "/organisations/{pk}/"),
        ("group", "coordinator", "/organisations/{pk}/sessions/"),
        ("both", "org_admin", "/organisations/{pk}/"),
    ],
)
def test_accepting_an_invitation_lands_on_a_page_the_role_may_see(client, kind, role, landing):
    # given an invitation to an organisation in a role
    organisation = OrganisationFactory(kind=kind)
    token = invited(organisation, role)
    newcomer = MemberFactory().user
    client.force_login(newcomer)

    # when it is accepted
    response = client.post(f"/invitations/{token}/accept")

    # then the new staff member lands on their work, and may open it
    assert response.status_code == 302
    assert response["Location"] == landing.format(pk=organisation.pk)
    assert client.get(response["Location"]).status_code == 200
    assert list(
        StaffMembership.objects.filter(user=newcomer).values_list("organisation", "role")
    ) == [(organisation.pk, role)]


@pytest.mark.parametrize("taken", ["Northfield Food Bank", "  northfield   FOOD bank "])
def test_an_organisation_cannot_take_another_organisations_name(client, taken):
    # A group renamed itself after another, which members then saw twice over in the lists they
    # give and donate from.
    OrganisationFactory(name="Northfield Food Bank")
    organisation = OrganisationFactory(name="Canal Friends")
    admin = StaffMembershipFactory(organisation=organisation, role=StaffMembership.Role.ORG_ADMIN)
    client.force_login(admin.user)

    response = client.post(f"/organisations/{organisation.pk}/", {"form": "details", "name": taken})

    assert "Another organisation is already called" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Canal Friends"


@pytest.mark.parametrize("shared", [False, True])
def test_an_organisation_keeps_its_own_name_when_it_saves_its_details(client, shared):
    # Even one that shares it with another from before the rule: its admins can still save.
    if shared:
        OrganisationFactory(name="Canal Friends")
    organisation = OrganisationFactory(name="Canal Friends")
    admin = StaffMembershipFactory(organisation=organisation, role=StaffMembership.Role.ORG_ADMIN)
    client.force_login(admin.user)

    response = client.post(
        f"/organisations/{organisation.pk}/", {"form": "details", "name": "Canal Friends"}
    )

    assert response.status_code == 302


def test_the_organisation_page_gives_each_forms_fields_their_own_ids(client):
    # The invitation's and the registration's email boxes shared id="id_email": the invitation's
    # label and its error's link led to the other form's box.
    import re

    organisation = OrganisationFactory(kind="group")
    admin = StaffMembershipFactory(organisation=organisation, role=StaffMembership.Role.ORG_ADMIN)
    client.force_login(admin.user)

    page = client.post(
        f"/organisations/{organisation.pk}/",
        {"form": "invite", "email": "not-an-email", "role": "coordinator"},
    ).content.decode()

    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert 'href="#invite_email"' in page
    invalid = 'aria-invalid="true" aria-describedby="invite_email-error" required id="invite_email"'
    assert invalid in page


def test_an_invitation_opened_signed_out_says_what_it_is_and_joining_comes_back_to_it(client):
    # Signed out, the link led to a bare sign-in page, and "Join" said it would go back "to
    # check in".
    from urllib.parse import quote

    organisation = approved_organisation(kind="group", name="Riverside Lunch Club")
    token = invited(organisation, "coordinator")
    here = f"/invitations/{token}/"

    response = client.get(here)
    join = client.get(f"/join/?next={quote(here)}").content.decode()

    page = response.content.decode()
    assert "Join Riverside Lunch Club" in page and "as coordinator" in page
    assert f'href="/sign-in/?next={quote(here)}"' in page
    assert f'href="/join/?next={quote(here)}"' in page
    assert "Accept the invitation" not in page and "coordinator@example.org" not in page
    assert "no-store" in response["Cache-Control"]
    assert "you go straight back to where you were." in join and "to check in" not in join
