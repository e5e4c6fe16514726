"""The member's app: home (balance card, three actions, what is coming up, recent activity), the
credits history by day in plain words, and the time they gave."""

import datetime

import pytest
from django.utils import timezone

from tests.credits.conftest import earn
from tests.factories import (
    ActivityFactory,
    ContributionFactory,
    MemberFactory,
    ProgrammeFactory,
    SessionFactory,
    StaffMembershipFactory,
    approved_organisation,
)
from tests.spending.conftest import make_offer
from timecredits.spending.services.redemptions import redemption_create

pytestmark = pytest.mark.django_db


def a_member_with_a_booking():
    """Amira earned 5 credits, booked a swim for 1 (on hold) and gave 2 hours this month."""
    programme = ProgrammeFactory()
    venue = approved_organisation(programme, kind="venue", name="Riverside Leisure Centre")
    member = MemberFactory(programme=programme, user__first_name="Amira")
    earn(member, 300)
    redemption_create(
        member=member, offer=make_offer(venue, title="Swim", cost_minutes=60), idempotency_key="k"
    )
    session = SessionFactory(
        activity__programme=programme,
        activity__title="Lunch club kitchen",
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    ContributionFactory(member=member, session=session, minutes=90, status="approved")
    ContributionFactory(
        member=member,
        session=SessionFactory(activity=session.activity, starts_at=session.starts_at),
        minutes=30,
        status="pending",
    )
    ContributionFactory(  # turned down: no time given
        member=member,
        session=SessionFactory(activity=session.activity, starts_at=session.starts_at),
        minutes=60,
        status="rejected",
    )
    return member, venue, session


def test_home_shows_what_a_member_can_spend_what_is_on_hold_and_hours_given(client):
    member, _, _ = a_member_with_a_booking()
    client.force_login(member.user)

    page = client.get("/").content.decode()

    assert '<p class="balance-amount number">4</p>' in page
    assert "1 credit on hold" in page
    assert "2 hours given this month" in page
    assert 'href="/me/pass/"' in page and 'href="/offers/"' in page
    assert "Booked: Swim" in page and "Pending" in page
    assert "Your roles" not in page and ">Member<" not in page


def test_home_lists_the_next_weeks_sessions_of_the_members_groups_only(client):
    member, _, session = a_member_with_a_booking()
    garden = ActivityFactory(
        programme=member.programme, organisation=session.activity.organisation, title="Garden"
    )
    soon = timezone.now() + datetime.timedelta(days=2)
    SessionFactory(activity=garden, starts_at=soon)
    SessionFactory(activity=garden, starts_at=soon + datetime.timedelta(days=8))  # too far
    SessionFactory(activity=garden, starts_at=soon, cancelled_at=timezone.now())
    SessionFactory(  # a group they never gave time to
        activity__programme=member.programme, activity__title="Elsewhere", starts_at=soon
    )
    client.force_login(member.user)

    page = client.get("/").content.decode()

    upcoming = page.split("Coming up in your groups")[1].split("Recent activity")[0]
    assert upcoming.count(">Garden<") == 1
    assert timezone.localtime(soon).strftime("%a %-d %b, %H:%M") in upcoming
    assert "Elsewhere" not in upcoming


def test_home_shows_an_open_check_in(client):
    member = MemberFactory()
    session = SessionFactory(activity__programme=member.programme, activity__title="Lunch club")
    ContributionFactory(
        member=member, session=session, status="checked_in", checked_out_at=None, minutes=0
    )
    client.force_login(member.user)

    page = client.get("/").content.decode()

    since = timezone.localtime(session.starts_at).strftime("%H:%M")
    assert f"Checked in at Lunch club since {since}." in page
    assert 'href="/checkin/"' in page


def test_staff_without_a_member_profile_see_their_work_first(client):
    venue = approved_organisation(ProgrammeFactory(), kind="venue", name="Riverside Pool")
    staff = StaffMembershipFactory(organisation=venue, role="venue_staff").user
    client.force_login(staff)

    page = client.get("/").content.decode()

    assert "balance-card" not in page
    assert "Riverside Pool" in page
    assert f'<a class="button big" href="/organisations/{venue.pk}/redeem/">' in page
    assert f'href="/organisations/{venue.pk}/statement/"' in page
    assert f'href="/organisations/{venue.pk}/verify/"' not in page


def test_the_history_is_under_a_day_heading_and_says_amounts_in_words(client):
    """Days before today are named by tests/credits/test_member_history.py: on PostgreSQL the
    ledger stamps each transfer with the database's clock, which a test cannot move."""
    member, _, _ = a_member_with_a_booking()
    earn(member, 60, key="another")
    client.force_login(member.user)

    page = client.get("/me/credits/").content.decode()

    today = timezone.localdate().isoformat()
    assert f'<h2 class="list-heading"><time datetime="{today}">Today</time></h2>' in page
    assert page.count('<h2 class="list-heading">') == 1
    assert page.index("Today") < page.index("Earned") < page.index("Booked: Swim")  # newest first
    assert page.count('<li class="list-row">') == 3  # the booking and two earnings
    assert "1 credit on hold" in page
    assert "5 credits in" in page and "1 credit in" in page
    assert '<span class="tag warning">Pending</span>' in page
    assert "0 credits" not in page and "1 credits" not in page


def test_the_history_shows_no_other_members_rows(client):
    member, _, _ = a_member_with_a_booking()
    stranger = MemberFactory(programme=member.programme)
    earn(stranger, 420, key="stranger")
    client.force_login(stranger.user)

    page = client.get("/me/credits/").content.decode()

    assert "Swim" not in page
    assert page.count('<li class="list-row">') == 1 and "7 credits in" in page


def test_an_older_page_of_history_ignores_a_nonsense_cursor(client):
    member, _, _ = a_member_with_a_booking()
    client.force_login(member.user)

    response = client.get("/me/credits/?before=99999999999999999999999")

    assert response.status_code == 200 and "Booked: Swim" in response.content.decode()


def test_time_given_is_in_hours_and_credits_with_its_status(client):
    member, _, _ = a_member_with_a_booking()
    client.force_login(member.user)

    page = client.get("/me/contributions/").content.decode()

    assert " · 1.5 hours</span>" in page and ">1.5 credits</span>" in page
    assert '<span class="tag success">Approved</span>' in page
    assert " · 0.5 hours</span>" in page and ">0.5 credits</span>" in page
    assert '<span class="tag warning">Waiting for verification</span>' in page
    assert '<span class="tag muted">Not approved</span>' in page


def test_a_new_member_sees_empty_states_that_lead_to_checking_in(client):
    member = MemberFactory()
    client.force_login(member.user)

    home = client.get("/").content.decode()
    history = client.get("/me/credits/").content.decode()
    given = client.get("/me/contributions/").content.decode()

    assert '<p class="balance-amount number">0</p>' in home
    assert "Nothing on hold" in home and "0 hours given this month" in home
    assert "Nothing yet. Credits you earn and spend show here." in home
    assert 'class="empty"' in history and 'href="/scan/"' in history
    assert 'class="empty"' in given and "list-row" not in given.split("Forgot to check in?")[0]


def test_a_groups_admin_is_not_sent_to_a_statement_only_venues_have(client):
    group = approved_organisation(ProgrammeFactory(), name="Riverside Lunch Club")
    admin = StaffMembershipFactory(organisation=group, role="org_admin").user
    client.force_login(admin)

    page = client.get("/").content.decode()

    assert f'href="/organisations/{group.pk}/sessions/"' in page
    assert f"/organisations/{group.pk}/statement/" not in page
    assert client.get(f"/organisations/{group.pk}/statement/").status_code == 400
