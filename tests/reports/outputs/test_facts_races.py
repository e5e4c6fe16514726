"""A contribution's fact copies its session's time and activity (PostgreSQL): a check-in made
while the session is being moved, in a transaction not yet committed, must end with the new time
or activity, not what it read before the move committed, nor without a fact (found by review:
the copy read the session unlocked, and then, locking the rows, lost the fact when the session
changed activity)."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import F

from ledger.selectors import member_account
from ledger.services import accounts_lock
from tests.credits.conftest import approved_venue, earn, spend
from tests.factories import (
    ActivityFactory,
    FinishedSessionFactory,
    MemberFactory,
    ProgrammeFactory,
    UserFactory,
    approved_organisation,
)
from tests.racing import in_thread, second_waits_for_first
from tests.spending.conftest import funded_member, make_offer, venue_staff
from timecredits.activities.models import Contribution, Session
from timecredits.activities.services import checkins
from timecredits.members.models import Member
from timecredits.reports import calendars, facts
from timecredits.reports.models import ContributionFact, MemberStart, MoveFact
from timecredits.spending.models import Offer
from timecredits.spending.services.redemptions import redemption_complete, redemption_create


def _member_and_two_sessions():
    """A member and two finished sessions of one activity in their programme, a week apart."""
    programme = ProgrammeFactory()
    activity = ActivityFactory(programme=programme, organisation=approved_organisation(programme))
    early = FinishedSessionFactory(activity=activity)
    late = FinishedSessionFactory(
        activity=activity, starts_at=early.starts_at + datetime.timedelta(days=7)
    )
    return MemberFactory(programme=programme), early, late


def _given(member, session, status: str, method: str = "manual") -> Contribution:
    return Contribution.objects.create(
        member=member,
        session=session,
        status=status,
        method=method,
        checked_in_at=session.starts_at,
        minutes=60,
    )


def _check_in_while(move_session) -> ContributionFact:
    """A check-in at a session while `move_session(session)` runs in a transaction not yet
    committed; returns the check-in's fact once both are done."""
    member, session, _ = _member_and_two_sessions()
    moved, release = threading.Event(), threading.Event()

    def move():
        with transaction.atomic():
            move_session(session)
            moved.set()
            release.wait(5)

    def check_in():
        _given(member, session, "pending", method="kiosk")

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


def _approved_at_once(member, first, second) -> tuple[bool, list[str]]:
    """Time approved at `first`, its member's start and calendar worked out (their rows held)
    in a transaction left open, and at `second` meanwhile: whether the second waited."""

    def approve_first():
        _given(member, first, "approved")
        facts.settle(connection)  # the start and the calendar worked out now, their rows held

    return second_waits_for_first(approve_first, lambda: _given(member, second, "approved"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_contributions_at_once_keep_the_earlier_start():
    """A member's start (`MemberStart`) is the earliest of their approved facts, worked out at
    commit. Two approvals at once, the earlier one's start worked out but not yet committed:
    the later one waits for it, then must not keep its own time as the start (it would,
    working the minimum out before the earlier one committed)."""
    member, early, late = _member_and_two_sessions()

    waited, failures = _approved_at_once(member, early, late)

    # The later approval's commit waits for the earlier one's start row.
    assert waited
    assert failures == []
    assert ContributionFact.objects.filter(member=member, approved=1).count() == 2
    assert list(MemberStart.objects.values_list("member_id", "first_at")) == [
        (member.pk, early.starts_at)
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_approval_and_an_undo_for_one_member_do_not_deadlock():
    """Approving locks the contribution, then (posting the earning) the member's account;
    undoing an approval posts the reversal first, then changes the contribution. A member's
    start, worked out when the contribution changed, was locked between the two in one and
    after them in the other, and the two deadlocked (found by review). It is worked out at
    commit, after every other lock."""
    member, first_session, session = _member_and_two_sessions()
    undone = _given(member, first_session, "approved")
    approving = _given(member, session, "pending")
    account = member_account(member=member)
    changed, locked, go = threading.Event(), threading.Event(), threading.Event()
    failures = []

    def approve():
        # The contribution first, then the account.
        try:
            with transaction.atomic():
                Contribution.objects.filter(pk=approving.pk).update(status="approved")
                changed.set()
                go.wait(5)
                accounts_lock([account.pk])
        except Exception as error:  # reported by the test
            failures.append(repr(error))

    def undo():
        # The account first, then the contribution.
        try:
            with transaction.atomic():
                accounts_lock([account.pk])
                locked.set()
                Contribution.objects.filter(pk=undone.pk).update(status="pending")
        except Exception as error:  # reported by the test
            failures.append(repr(error))

    first = in_thread(approve)
    assert changed.wait(5)
    second = in_thread(undo)
    assert locked.wait(5)
    go.set()
    first.join(10)
    second.join(10)
    assert failures == []
    assert list(MemberStart.objects.values_list("member_id", "first_at")) == [
        (member.pk, session.starts_at)
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_spend_while_its_member_moves_programme_gets_the_new_programme():
    """A move of credits copies its member's programme: posted while the member is being moved
    to another programme, in a transaction not yet committed, it must end with the new one (it
    would otherwise read the old one, and the move, not seeing it yet, would leave it so)."""
    member, *_ = _member_and_two_sessions()
    earn(member, 120)
    venue = approved_venue(member.programme)
    elsewhere = ProgrammeFactory()
    moved, release = threading.Event(), threading.Event()

    def move():
        with transaction.atomic():
            Member.objects.filter(pk=member.pk).update(programme=elsewhere)
            moved.set()
            release.wait(5)

    mover = in_thread(move)
    assert moved.wait(5)
    spender = in_thread(lambda: spend(member, venue, 60, key="race-spend"))
    # Unlocked, the spend would be done by now, with the programme as it was before the move.
    spender.join(0.5)
    release.set()
    mover.join(5)
    spender.join(5)

    assert list(MoveFact.objects.filter(member=member).values_list("kind", "programme_id")) == [
        ("spend", elsewhere.pk)
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_moving_a_member_does_not_wait_for_a_contribution_being_written():
    """Recording attendance writes one member's contribution (the facts' lock, shared) and then
    locks the next member; a member moved to another programme meanwhile holds their row. Had
    the move waited for the facts' lock, each would wait for the other (found by review): it
    waits only for moves of that member's credits."""
    member, session, _ = _member_and_two_sessions()
    other = MemberFactory(programme=member.programme)
    elsewhere = ProgrammeFactory()
    written, release = threading.Event(), threading.Event()

    def attendance():
        with transaction.atomic():
            _given(member, session, "approved")
            written.set()
            release.wait(5)

    recorder = in_thread(attendance)
    assert written.wait(5)
    mover = in_thread(lambda: Member.objects.filter(pk=other.pk).update(programme=elsewhere))
    mover.join(5)
    moved_first = not mover.is_alive()
    release.set()
    recorder.join(5)
    mover.join(5)

    assert moved_first
    assert Member.objects.get(pk=other.pk).programme_id == elsewhere.pk


def _blocked_on_a_lock() -> bool:
    """Whether another connection is waiting for a lock (its row or advisory)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid())"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recording_attendance_locks_every_member_before_writing_anyone_s_time():
    """Attendance for two members, the second held by a check-in being written: it waits for
    them before writing the first one's time (which takes the facts' lock, shared), so a session
    moved meanwhile does not wait for it. Written first, the check-in's own time then queued
    behind the move for the facts' lock, the move behind the attendance, and the attendance
    behind the check-in: a deadlock."""
    member, session, later = _member_and_two_sessions()
    other = MemberFactory(programme=member.programme)
    assert member.pk < other.pk
    coordinator = UserFactory()
    held, release = threading.Event(), threading.Event()

    def check_in():
        with transaction.atomic():
            Member.objects.select_for_update().get(pk=other.pk)
            held.set()
            release.wait(30)

    holder = in_thread(check_in)
    assert held.wait(5)
    recorder = in_thread(
        lambda: checkins.attendance_add(actor=coordinator, session=session, members=[other, member])
    )
    for _ in range(100):
        if _blocked_on_a_lock():
            break
        time.sleep(0.05)
    assert _blocked_on_a_lock()
    hour = datetime.timedelta(hours=1)
    mover = in_thread(
        lambda: Session.objects.filter(pk=later.pk).update(
            starts_at=F("starts_at") + hour, ends_at=F("ends_at") + hour
        )
    )
    mover.join(3)
    moved_first = not mover.is_alive()
    release.set()
    holder.join(5)
    recorder.join(5)
    mover.join(5)

    assert moved_first
    assert Contribution.objects.filter(session=session).count() == 2
    assert ContributionFact.objects.filter(session=session).count() == 2


def _calendar_of(member) -> tuple[tuple, tuple]:
    """The member's calendar as kept, and as worked out again from their facts now."""
    where = f"member_id = {int(member.pk)}"
    with connection.cursor() as cursor:
        columns = ", ".join(calendars.COLUMNS)
        cursor.execute(f"SELECT {columns} FROM {calendars.TABLE} WHERE {where}")  # noqa: S608
        kept = cursor.fetchall()
        cursor.execute(calendars.select(f"f.{where}", f"m.{where}"))
        return kept, cursor.fetchall()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_contributions_at_once_both_reach_their_member_s_calendar():
    """A member's calendar is worked out again at commit from their facts: the second of two
    contributions given at once waits for the first's calendar to commit, then works it out
    with both (rather than from what it read before the first committed)."""
    member, early, _ = _member_and_two_sessions()
    later = FinishedSessionFactory(
        activity=early.activity, starts_at=early.starts_at - datetime.timedelta(days=62)
    )
    waited, failures = _approved_at_once(member, early, later)

    assert waited
    assert failures == []

    kept, worked_out = _calendar_of(member)
    assert kept == worked_out
    ((*_, months, _checked, _heads, _tails, _spent, _donated, _expired, _t, _w, minutes),) = kept
    assert months.count("1") == 2
    assert minutes[-1] == 120


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["spend", "recategorise"])
def test_a_spend_and_its_offer_recategorised_at_once_keep_the_new_category(first):
    """A spend's fact copies its offer's category, and an offer recategorised updates its
    spends' facts: each uncommitted while the other runs, neither may miss the other's row. The
    second waits for the first (one lock per offer), then the spend's fact has the new one."""
    programme = ProgrammeFactory()
    venue = approved_venue(programme)
    swim = make_offer(venue, cost_minutes=60, category="leisure")
    redemption, _ = redemption_create(
        member=funded_member(programme), offer=swim, idempotency_key="k"
    )

    def spend():
        redemption_complete(
            actor=venue_staff(venue), venue=venue, code=redemption.code, idempotency_key="c"
        )

    def recategorise():
        Offer.objects.filter(pk=swim.pk).update(category="learning")

    steps = {"spend": spend, "recategorise": recategorise}
    second = "recategorise" if first == "spend" else "spend"

    waited, failures = second_waits_for_first(steps[first], steps[second])

    assert waited
    assert failures == []
    assert list(MoveFact.objects.filter(offer=swim).values_list("kind", "category")) == [
        ("spend", "learning")
    ]
