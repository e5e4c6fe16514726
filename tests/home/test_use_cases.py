"""The signed-in home (timecredits.home.use_cases.home_page): each role's section holds its
work, read in a fixed number of queries, with a programme's figures suppressed as its reports'."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners.models import Participation, StaffMembership
from tests.factories import (
    ActivityFactory,
    ContributionFactory,
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    SessionFactory,
    StaffMembershipFactory,
    UserFactory,
    approved_organisation,
)
from tests.spending.conftest import earn, make_offer
from timecredits.home.use_cases import home_page
from timecredits.spending.services.redemptions import redemption_create

pytestmark = pytest.mark.django_db


def today_at(hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour)))


def a_group_with_a_day(*, sessions=2):
    """A lunch club with `sessions` sessions today (one person checked in and one waiting at
    the first, one turned down), one yesterday, and one cancelled today."""
    programme = ProgrammeFactory()
    group = approved_organisation(programme, name="Riverside Lunch Club")
    activity = ActivityFactory(programme=programme, organisation=group, title="Lunch club")
    today = [
        SessionFactory(activity=activity, starts_at=today_at(10 + i), location=f"Hall {i}")
        for i in range(sessions)
    ]
    SessionFactory(activity=activity, starts_at=today_at(10) - datetime.timedelta(days=1))
    ContributionFactory(session=today[0], status="approved", minutes=60)
    ContributionFactory(session=today[0], status="pending", minutes=90)
    ContributionFactory(session=today[0], status="rejected", minutes=60)
    return programme, group, today


def section(home, organisation):
    return next(w for w in home.organisations if w.organisation.pk == organisation.pk)


def test_a_coordinator_sees_todays_sessions_with_who_checked_in_and_the_time_waiting():
    _, group, today = a_group_with_a_day()
    coordinator = StaffMembershipFactory(organisation=group, role="coordinator").user

    home = home_page(actor=coordinator)

    work = section(home, group)
    assert home.member is None and home.programmes == []
    assert [(s.pk, s.checked_in) for s in work.sessions_today] == [
        (today[0].pk, 2),
        (today[1].pk, 0),
    ]
    assert work.waiting == {"people": 1, "entries": 1, "minutes": 90}
    assert (work.runs_sessions, work.verifies, work.reads_figures) == (True, True, True)
    assert (work.admin, work.redeems, work.reads_statement) == (False, False, False)
    assert work.staff == []
    assert home.navigation.coordinates == group.pk


def test_a_coordinator_with_nothing_today_gets_empty_lists_not_errors():
    group = approved_organisation(ProgrammeFactory())
    coordinator = StaffMembershipFactory(organisation=group, role="coordinator").user

    work = section(home_page(actor=coordinator), group)

    assert (work.sessions_today, work.waiting) == ([], None)


def test_a_session_running_overnight_from_yesterday_is_one_of_todays():
    # At half past midnight, a night shelter's 22:00 to 06:00 session was "No sessions today".
    _, group, today = a_group_with_a_day(sessions=1)
    night = SessionFactory(
        activity=today[0].activity,
        starts_at=today_at(22) - datetime.timedelta(days=1),
        ends_at=today_at(6),
    )
    coordinator = StaffMembershipFactory(organisation=group, role="coordinator").user

    work = section(home_page(actor=coordinator), group)

    assert [s.pk for s in work.sessions_today] == [night.pk, today[0].pk]


def test_an_organisation_admin_sees_its_staff_and_this_months_figures():
    programme, group, _ = a_group_with_a_day()
    admin = StaffMembershipFactory(
        organisation=group, role="org_admin", user__first_name="Gareth"
    ).user
    StaffMembershipFactory(organisation=group, role="coordinator", user__first_name="Rosa")

    work = section(home_page(actor=admin), group)

    assert work.admin is True
    assert [(s.user.first_name, s.role) for s in work.staff] == [
        ("Rosa", "coordinator"),
        ("Gareth", "org_admin"),
    ]
    [(figures_programme, figures)] = work.figures
    assert figures_programme == programme
    assert [(f["key"], f["value"]) for f in figures] == [
        ("hours_given", 1.0),
        ("active_members", 1),
        ("sessions_held", 1),
    ]


def test_figures_are_shown_as_the_dashboard_shows_them_grouped_by_thousands():
    _, group, today = a_group_with_a_day()
    ContributionFactory(session=today[1], status="approved", minutes=74_040)  # 1,234 hours
    admin = StaffMembershipFactory(organisation=group, role="org_admin").user

    [(_, figures)] = section(home_page(actor=admin), group).figures

    assert [(f["key"], f["shown"]) for f in figures] == [
        ("hours_given", "1,235"),
        ("active_members", "2"),
        ("sessions_held", "2"),
    ]


def test_a_groups_admin_gets_no_venue_tools_and_a_venues_staff_no_session_tools():
    programme = ProgrammeFactory()
    group = approved_organisation(programme, kind="group")
    venue = approved_organisation(programme, kind="venue")
    admin = StaffMembershipFactory(organisation=group, role="org_admin").user
    staff = StaffMembershipFactory(organisation=venue, role="venue_staff").user

    group_work = section(home_page(actor=admin), group)
    venue_work = section(home_page(actor=staff), venue)

    assert (group_work.redeems, group_work.manages_offers, group_work.reads_statement) == (
        False,
        False,
        False,
    )
    assert (venue_work.redeems, venue_work.manages_offers, venue_work.reads_statement) == (
        True,
        True,
        True,
    )
    assert (venue_work.runs_sessions, venue_work.verifies, venue_work.reads_figures) == (
        False,
        False,
        False,
    )
    assert (venue_work.admin, venue_work.figures) == (False, [])


def test_venue_staff_see_todays_redemptions_at_their_venue_only():
    programme = ProgrammeFactory()
    venue = approved_organisation(programme, kind="venue")
    elsewhere = approved_organisation(programme, kind="venue")
    staff = StaffMembershipFactory(organisation=venue, role="venue_staff").user
    member = MemberFactory(programme=programme)
    earn(member, 600)
    swim, _ = redemption_create(
        member=member, offer=make_offer(venue, title="Swim", cost_minutes=60), idempotency_key="a"
    )
    redemption_create(
        member=member, offer=make_offer(elsewhere, cost_minutes=60), idempotency_key="b"
    )

    work = section(home_page(actor=staff), venue)

    assert [(r.pk, r.offer.title, r.status) for r in work.redemptions_today] == [
        (swim.pk, "Swim", "held")
    ]
    assert home_page(actor=staff).navigation.venue == venue.pk


def test_a_programme_admin_sees_how_many_organisations_wait_for_approval():
    programme = ProgrammeFactory(name="Riverside")
    admin = ProgrammeRoleFactory(programme=programme, role="programme_admin").user
    for _ in range(2):
        Participation.objects.create(programme=programme, organisation=OrganisationFactory())
    Participation.objects.create(  # another programme's
        programme=ProgrammeFactory(), organisation=OrganisationFactory()
    )
    approved_organisation(programme)

    [card] = home_page(actor=admin).programmes

    assert (card.programme_id, card.name, card.admin, card.reads_reports) == (
        programme.pk,
        "Riverside",
        True,
        True,
    )
    assert card.approvals_waiting == 2


def test_a_commissioner_sees_suppressed_figures_for_the_last_12_months_and_no_approvals():
    """Three people gave time last month: under the threshold of 5, the count of people is
    suppressed, and so is every figure that would reveal it."""
    programme = ProgrammeFactory(report_threshold=5)
    group = approved_organisation(programme)
    activity = ActivityFactory(programme=programme, organisation=group)
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=3)
    session = SessionFactory(
        activity=activity,
        starts_at=timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(10))),
    )
    for _ in range(3):
        ContributionFactory(session=session, status="approved", minutes=60)
    commissioner = ProgrammeRoleFactory(programme=programme, role="commissioner").user

    [card] = home_page(actor=commissioner).programmes

    assert (card.admin, card.reads_reports, card.approvals_waiting) == (False, True, 0)
    figures = {f["key"]: f for f in card.figures}
    assert list(figures) == [
        "hours_given",
        "active_members",
        "credits_earned_minutes",
        "sessions_held",
    ]
    assert figures["active_members"]["value"] is None
    assert figures["active_members"]["suppressed"] == "small"
    assert card.period[1] == timezone.localdate().replace(day=1) - datetime.timedelta(days=1)


def test_a_member_who_coordinates_gets_their_own_part_and_the_groups():
    programme, group, _ = a_group_with_a_day()
    member = MemberFactory(programme=programme)
    StaffMembershipFactory(organisation=group, user=member.user, role="coordinator")

    home = home_page(actor=member.user)

    assert home.member == member
    assert home.member_part["balance"].available == 0
    assert [w.organisation.pk for w in home.organisations] == [group.pk]
    assert home.navigation.member is True and home.navigation.coordinates == group.pk


def test_someone_with_no_role_gets_an_empty_home():
    home = home_page(actor=UserFactory())

    assert (home.member, home.organisations, home.programmes, home.platform_staff) == (
        None,
        [],
        [],
        False,
    )


def test_the_home_reads_the_same_number_of_queries_however_many_rows():
    def queries(sessions):
        _, group, _ = a_group_with_a_day(sessions=sessions)
        coordinator = StaffMembershipFactory(organisation=group, role="coordinator").user
        with CaptureQueriesContext(connection) as captured:
            home_page(actor=coordinator)
        return len(captured.captured_queries)

    assert queries(sessions=1) == queries(sessions=6)


def test_a_coordinator_of_two_groups_gets_a_section_each_in_their_order():
    first = approved_organisation(ProgrammeFactory(), name="A group")
    second = approved_organisation(ProgrammeFactory(), name="B group")
    membership = StaffMembershipFactory(organisation=second, role="coordinator")
    StaffMembershipFactory(organisation=first, user=membership.user, role="coordinator")

    home = home_page(actor=membership.user)

    assert sorted(w.organisation.name for w in home.organisations) == ["A group", "B group"]
    assert all(w.roles == [str(StaffMembership.Role.COORDINATOR.label)] for w in home.organisations)
