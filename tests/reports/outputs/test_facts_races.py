"""A contribution's fact copies its session's time and activity (PostgreSQL): a check-in made
while the session is being moved, in a transaction not yet committed, must end with the new time
or activity, not what it read before the move committed, nor without a fact (found by review:
the copy read the session unlocked, and then, locking the rows, lost the fact when the session
changed activity)."""

import datetime
import threading

import pytest
from django.db import transaction

from tests.factories import (
    ActivityFactory,
    FinishedSessionFactory,
    MemberFactory,
    ProgrammeFactory,
    approved_organisation,
)
from tests.racing import in_thread
from timecredits.activities.models import Contribution, Session
from timecredits.reports.models import ContributionFact, MemberStart


def _check_in_while(move_session) -> ContributionFact:
    """A check-in at a session while `move_session(session)` runs in a transaction not yet
    committed; returns the check-in's fact once both are done."""
    programme = ProgrammeFactory()
    activity = ActivityFactory(programme=programme, organisation=approved_organisation(programme))
    session = FinishedSessionFactory(activity=activity)
    member = MemberFactory(programme=programme)
    moved, release = threading.Event(), threading.Event()

    def move():
        with transaction.atomic():
            move_session(session)
            moved.set()
            release.wait(5)

    def check_in():
        Contribution.objects.create(
            member=member,
            session=session,
            status="pending",
            method="kiosk",
            checked_in_at=session.starts_at,
            minutes=60,
        )

    mover = in_thread(move)
    assert moved.wait(5)
    checker = in_thread(check_in)
    # Unlocked, the check-in would be done by now, with the session as it was before the move.
    checker.join(0.5)
    release.set()
    mover.join(5)
    checker.join(5)
    return ContributionFact.objects.filter(member=member).first()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_check_in_while_its_session_moves_gets_the_new_time():
    moved_to = {}

    def earlier(session):
        moved_to["at"] = session.starts_at - datetime.timedelta(days=2)
        Session.objects.filter(pk=session.pk).update(
            starts_at=moved_to["at"], ends_at=moved_to["at"] + datetime.timedelta(hours=1)
        )

    assert _check_in_while(earlier).at == moved_to["at"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_check_in_while_its_session_moves_to_another_activity_gets_that_activity():
    moved_to = {}

    def elsewhere(session):
        other = ActivityFactory(
            programme=session.activity.programme,
            organisation=approved_organisation(session.activity.programme),
            type="mentoring",
        )
        moved_to["organisation"] = other.organisation_id
        Session.objects.filter(pk=session.pk).update(activity=other)

    fact = _check_in_while(elsewhere)
    assert fact is not None
    assert (fact.organisation_id, fact.kind) == (moved_to["organisation"], "mentoring")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_contributions_at_once_keep_the_earlier_start():
    """A member's start (`MemberStart`) is the earliest of their approved facts. Approved at
    once, the earlier contribution committing last, the other must not keep its own later time
    as the start (it would, working the minimum out before the earlier one committed)."""
    programme = ProgrammeFactory()
    activity = ActivityFactory(programme=programme, organisation=approved_organisation(programme))
    early = FinishedSessionFactory(activity=activity)
    late = FinishedSessionFactory(
        activity=activity, starts_at=early.starts_at + datetime.timedelta(days=7)
    )
    member = MemberFactory(programme=programme)
    given, release = threading.Event(), threading.Event()

    def approved_at(session):
        Contribution.objects.create(
            member=member,
            session=session,
            status="approved",
            method="manual",
            checked_in_at=session.starts_at,
            minutes=60,
        )

    def first():
        with transaction.atomic():
            approved_at(early)
            given.set()
            release.wait(5)

    earlier = in_thread(first)
    assert given.wait(5)
    later = in_thread(lambda: approved_at(late))
    later.join(0.5)
    release.set()
    earlier.join(5)
    later.join(5)
    assert list(MemberStart.objects.values_list("member_id", "first_at")) == [
        (member.pk, early.starts_at)
    ]
