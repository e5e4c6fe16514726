"""A contribution's fact copies its session's time (PostgreSQL): a check-in made while the
session is being moved, in a transaction not yet committed, must end with the new time, not the
one it read before the move committed (found by review: the copy read the session unlocked)."""

import datetime
import threading

import pytest
from django.db import close_old_connections, transaction

from tests.factories import (
    ActivityFactory,
    FinishedSessionFactory,
    MemberFactory,
    ProgrammeFactory,
    approved_organisation,
)
from timecredits.activities.models import Contribution, Session
from timecredits.reports.models import ContributionFact


def _in_thread(work) -> threading.Thread:
    def run():
        try:
            work()
        finally:
            close_old_connections()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_check_in_while_its_session_moves_gets_the_new_time():
    programme = ProgrammeFactory()
    activity = ActivityFactory(programme=programme, organisation=approved_organisation(programme))
    session = FinishedSessionFactory(activity=activity)
    moved_to = session.starts_at - datetime.timedelta(days=2)
    member = MemberFactory(programme=programme)
    moved, release = threading.Event(), threading.Event()

    def move():
        with transaction.atomic():
            Session.objects.filter(pk=session.pk).update(
                starts_at=moved_to, ends_at=moved_to + datetime.timedelta(hours=1)
            )
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

    mover = _in_thread(move)
    assert moved.wait(5)
    checker = _in_thread(check_in)
    # Unlocked, the check-in would be done by now, with the time before the move.
    checker.join(0.5)
    release.set()
    mover.join(5)
    checker.join(5)

    assert ContributionFact.objects.get(member=member).at == moved_to
