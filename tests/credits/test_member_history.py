"""A member's credits history in plain words: each transfer named as the member would say it,
bookings shown once (pending while held, then as the spend), nothing that moved nothing."""

import datetime

import pytest
from django.utils import timezone

from ledger.selectors import hold_resolution
from ledger.services import transfer_reverse
from tests.credits.conftest import earn
from tests.factories import (
    ContributionFactory,
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SessionFactory,
    StaffMembershipFactory,
    approved_organisation,
    fund,
)
from tests.spending.conftest import make_offer, venue_staff
from timecredits.activities.services import verification
from timecredits.activities.use_cases import verification as decide
from timecredits.credits.selectors import HistoryEntry, member_history
from timecredits.credits.services.gifts import donate, gift_to_member
from timecredits.members.use_cases import history_by_day
from timecredits.spending.services.redemptions import (
    redemption_cancel,
    redemption_complete,
    redemption_create,
)

pytestmark = pytest.mark.django_db


def said(member):
    """(title, detail, signed minutes, pending) of each entry, newest first."""
    return [
        (e.title, e.detail, e.minutes, e.pending) for e in member_history(member=member).entries
    ]


def swim_booked(name="Riverside Leisure Centre"):
    programme = ProgrammeFactory()
    venue = approved_organisation(programme, kind="venue", name=name)
    member = MemberFactory(programme=programme, user__first_name="Amira")
    earn(member, 300)
    offer = make_offer(venue, title="Swim", cost_minutes=60)
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="k1")
    return member, venue, redemption


def test_a_booking_on_hold_is_one_pending_entry_not_a_zero_credit_row():
    member, _, _ = swim_booked()

    assert said(member) == [
        ("Booked: Swim", "At Riverside Leisure Centre", -60, True),
        ("Earned for time given", "", 300, False),
    ]


def test_a_completed_booking_shows_once_as_the_spend():
    member, venue, redemption = swim_booked()

    redemption_complete(
        actor=venue_staff(venue), venue=venue, code=redemption.code, idempotency_key="c1"
    )

    assert said(member) == [
        ("Spent at Riverside Leisure Centre: Swim", "", -60, False),
        ("Earned for time given", "", 300, False),
    ]


def test_a_cancelled_booking_moved_nothing_and_is_left_out():
    member, _, redemption = swim_booked()

    redemption_cancel(member=member, code=redemption.code)

    assert said(member) == [("Earned for time given", "", 300, False)]


def _today_at_midnight():
    """A session start on the day credits are posted (a default session, started half an hour
    ago, falls on the day before between midnight and half past, and its earning then says the
    day the time was given)."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))


@pytest.fixture
def at_noon(monkeypatch):
    """Noon today, for time given from midnight: before 2 a.m. two hours given since midnight
    have not been given yet, and cannot be approved."""
    noon = _today_at_midnight() + datetime.timedelta(hours=12)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def _approved_lunch_club_time(starts_at):
    """Two hours given at Riverside Lunch Club's kitchen session, approved now by its
    coordinator from the group's own budget; the member."""
    session = SessionFactory(
        activity__title="Lunch club kitchen",
        activity__organisation=OrganisationFactory(name="Riverside Lunch Club"),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
    )
    fund(session.activity.organisation, session.activity.programme)  # its budget pays
    contribution = ContributionFactory(session=session, method="manual", minutes=120)
    coordinator = StaffMembershipFactory(
        organisation=session.activity.organisation, role="coordinator"
    ).user
    verification.contribution_approve(actor=coordinator, contribution=contribution)
    return contribution.member


def test_an_earning_says_which_group_paid_for_what_and_how_long(at_noon):
    member = _approved_lunch_club_time(_today_at_midnight())

    assert said(member) == [
        ("Earned at Riverside Lunch Club", "Lunch club kitchen · 2 hours", 120, False)
    ]


def test_an_earning_approved_on_a_later_day_says_the_day_the_time_was_given():
    # The history is grouped by the day credits came, so time approved in a batch all sat
    # under one day, with nothing to tell the sessions apart.
    member = _approved_lunch_club_time(timezone.make_aware(datetime.datetime(2025, 3, 4, 10, 0)))

    assert said(member) == [
        (
            "Earned at Riverside Lunch Club",
            "Lunch club kitchen · 2 hours · Tuesday 4 March 2025",
            120,
            False,
        )
    ]


def test_a_gift_names_the_giver_and_the_recipient_by_first_name():
    programme = ProgrammeFactory()
    giver = MemberFactory(programme=programme, user__first_name="Amira")
    recipient = MemberFactory(programme=programme, user__first_name="Bryn")
    earn(giver, 300)

    gift_to_member(
        actor=giver.user, recipient=recipient, minutes=60, message="Thanks!", idempotency_key="g"
    )

    assert said(recipient) == [("Gift from Amira", "Thanks!", 60, False)]
    assert said(giver)[0] == ("Gift to Bryn", "Thanks!", -60, False)


def test_a_member_never_sees_another_members_rows():
    member, _, _ = swim_booked()
    stranger = MemberFactory(programme=member.programme)
    earn(stranger, 120, key="stranger")

    assert said(stranger) == [("Earned for time given", "", 120, False)]
    assert all(entry.minutes != 120 for entry in member_history(member=member).entries)


def test_a_page_at_a_time_names_the_next_older_transfer():
    member = MemberFactory()
    for n in range(3):
        earn(member, 60, key=f"e{n}")

    first = member_history(member=member, limit=2)
    second = member_history(member=member, limit=2, before=first.next_before)

    assert [len(first.entries), len(second.entries)] == [2, 1]
    assert second.next_before is None
    assert {e.transfer_id for e in first.entries}.isdisjoint(e.transfer_id for e in second.entries)


def entry_at(moment, title):
    return HistoryEntry(1, moment, title, "", 60)


def test_entries_are_grouped_under_today_yesterday_and_the_day_before_by_name():
    today = datetime.date(2026, 12, 3)  # a Thursday

    def at(day, hour):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    days = history_by_day(
        [
            entry_at(at(today, 15), "a"),
            entry_at(at(today, 9), "b"),
            entry_at(at(today - datetime.timedelta(days=1), 12), "c"),
            entry_at(at(datetime.date(2026, 12, 1), 12), "d"),
            entry_at(at(datetime.date(2025, 12, 1), 12), "e"),
        ],
        today=today,
    )

    assert [(d.label, [e.title for e in d.entries]) for d in days] == [
        ("Today", ["a", "b"]),
        ("Yesterday", ["c"]),
        ("Tuesday 1 December", ["d"]),
        ("Monday 1 December 2025", ["e"]),
    ]


def test_a_refund_is_named_after_the_spend_it_undoes():
    member, venue, redemption = swim_booked()
    redemption_complete(
        actor=venue_staff(venue), venue=venue, code=redemption.code, idempotency_key="c1"
    )
    spent = hold_resolution(hold=redemption.hold)

    transfer_reverse(transfer=spent, idempotency_key="refund", memo="Pool closed")

    assert said(member)[:2] == [
        ("Refunded: Swim", "Pool closed", 60, False),
        ("Spent at Riverside Leisure Centre: Swim", "", -60, False),
    ]


def test_an_undone_approval_takes_the_earning_back_and_says_why(at_noon):
    session = SessionFactory(activity__title="Lunch club kitchen", starts_at=_today_at_midnight())
    contribution = ContributionFactory(session=session, method="manual", minutes=60)
    coordinator = StaffMembershipFactory(
        organisation=session.activity.organisation, role="coordinator"
    ).user
    decide.contribution_approve(actor=coordinator, contribution_id=contribution.pk)

    decide.contribution_unapprove(
        actor=coordinator, contribution_id=contribution.pk, reason="Not there that day"
    )

    assert [entry[:3] for entry in said(contribution.member)] == [
        ("Earning taken back: Lunch club kitchen", "Not there that day", -60),
        ("Earned at " + session.activity.organisation.name, "Lunch club kitchen · 1 hour", 60),
    ]


def test_donations_name_the_group_or_the_programmes_pool():
    programme = ProgrammeFactory(name="Riverside")
    group = approved_organisation(programme, name="Riverside Lunch Club")
    member = MemberFactory(programme=programme)
    earn(member, 300)

    donate(actor=member.user, organisation=group, minutes=60, idempotency_key="d1")
    donate(
        actor=member.user, organisation=None, minutes=120, message="For all", idempotency_key="d2"
    )

    assert said(member)[:2] == [
        ("Donated to the Riverside pool", "For all", -120, False),
        ("Donated to Riverside Lunch Club", "", -60, False),
    ]
