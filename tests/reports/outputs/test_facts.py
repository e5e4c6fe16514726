"""The contribution facts the output figures read are kept by triggers (`reports.facts`): after
every kind of change, they are exactly what working them out again from the contributions, the
sessions, the activities and the ledger gives."""

import datetime

from django.db import connection
from django.utils import timezone

from partners.models import Organisation
from tests.credits.conftest import earn
from tests.factories import (
    ActivityFactory,
    FinishedSessionFactory,
    MemberFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    UserFactory,
    approved_organisation,
)
from tests.reports.conftest import give
from tests.reports.outputs.test_spending import spent_at_a_venue
from timecredits.activities.models import Contribution, Session
from timecredits.activities.services.verification import (
    contribution_approve,
    contribution_reject,
    contribution_unapprove,
)
from timecredits.credits.services.expiry import add_months, credits_expire_due
from timecredits.credits.use_cases import expiry_reverse
from timecredits.members.models import Member
from timecredits.reports import calendars, facts
from timecredits.reports.models import ContributionFact, MemberStart, MoveFact
from timecredits.spending.models import Offer

COLUMNS = [
    "contribution_id",
    "programme_id",
    "organisation_id",
    "session_id",
    "member_id",
    "kind",
    "at",
    "approved",
    "check_in",
    "minutes",
    "earned",
]


def _kept() -> list[tuple]:
    return list(ContributionFact.objects.order_by("pk").values_list(*COLUMNS))


def _starts() -> set[tuple]:
    facts.settle(connection)  # on PostgreSQL, worked out at commit
    return set(MemberStart.objects.values_list("member_id", "programme_id", "first_at"))


def _calendars() -> set[tuple]:
    """The members' calendars and the sessions' totals (PostgreSQL; none on SQLite), as the
    triggers left them at commit."""
    if connection.vendor != "postgresql":
        return set()
    facts.settle(connection)
    rows = set()
    with connection.cursor() as cursor:
        for table, columns in (
            (calendars.TABLE, calendars.COLUMNS),
            (calendars.SESSIONS, calendars.SESSION_COLUMNS),
        ):
            cursor.execute(f"SELECT '{table}', {', '.join(columns)} FROM {table}")  # noqa: S608
            rows |= {tuple(str(v) if v is not None else None for v in r) for r in cursor.fetchall()}
    return rows


def _same_as_rebuilt() -> list[tuple]:
    """The facts, having checked that they, the members' starts and their calendars are what
    `rebuild` works out (it is undone with the test's transaction)."""
    kept, starts, kept_calendars = _kept(), _starts(), _calendars()
    facts.rebuild(connection)
    assert kept == _kept()
    assert starts == _starts()
    assert kept_calendars == _calendars()
    assert connection.vendor != "postgresql" or kept_calendars
    return kept


def test_every_change_keeps_the_facts_as_rebuilding_them_would(db):
    programme = ProgrammeFactory()
    group = approved_organisation(programme)
    other = approved_organisation(programme, kind=Organisation.Kind.GROUP)
    activity = ActivityFactory(programme=programme, organisation=group, type="befriending")
    session = FinishedSessionFactory(activity=activity)
    later = FinishedSessionFactory(
        activity=activity, starts_at=session.starts_at + datetime.timedelta(days=3)
    )
    staff = UserFactory(is_superuser=True)
    ann, bob, cy = (MemberFactory(programme=programme) for _ in range(3))

    # Checked in (by the door kiosk) and approved: the earning is on the fact.
    first = give(ann, session, 90)
    # Added by a coordinator, still pending; another rejected.
    pending = give(bob, session, 60, method="manual", status="pending")
    rejected = give(cy, later, 30, status="pending")
    contribution_reject(actor=staff, contribution=rejected, reason="Not there")
    kept = dict((row[0], row) for row in _same_as_rebuilt())
    assert kept[first.pk][7:] == (1, 1, 90, 90)  # approved, a check-in, 90 minutes, earned 90
    assert kept[pending.pk][7:] == (0, 0, 60, 0)
    assert kept[rejected.pk][7:] == (0, 1, 30, 0)

    # Approved with other minutes; an approval taken back (its earning reversed).
    pending.refresh_from_db()
    contribution_approve(actor=staff, contribution=pending, minutes=45, reason="Left early")
    contribution_unapprove(actor=staff, contribution=first, reason="Wrong person")
    kept = dict((row[0], row) for row in _same_as_rebuilt())
    assert kept[pending.pk][7:] == (1, 0, 45, 45)
    assert kept[first.pk][7:] == (0, 1, 90, 0)
    # Ann has no approved time left, so no start; Bob's is his session's.
    assert _starts() == {(bob.pk, programme.pk, session.starts_at)}

    # The session moved to another day, the activity to another group and type, a
    # contribution to the other session.
    moved = session.starts_at - datetime.timedelta(days=7)
    Session.objects.filter(pk=session.pk).update(
        starts_at=moved, ends_at=moved + datetime.timedelta(hours=2)
    )
    activity.organisation, activity.type = other, "mentoring"
    activity.save()
    Contribution.objects.filter(pk=pending.pk).update(session=later)
    kept = dict((row[0], row) for row in _same_as_rebuilt())
    assert kept[first.pk][1:7] == (programme.pk, other.pk, session.pk, ann.pk, "mentoring", moved)
    assert kept[pending.pk][3] == later.pk
    assert _starts() == {(bob.pk, programme.pk, later.starts_at)}

    # A contribution deleted takes its fact with it.
    Contribution.objects.filter(pk=rejected.pk).delete()
    assert rejected.pk not in {row[0] for row in _same_as_rebuilt()}


def test_rebuilding_keeps_the_triggers_working(db):
    """`rebuild` empties and refills the table; what follows is still kept."""
    programme = ProgrammeFactory()
    activity = ActivityFactory(programme=programme, organisation=approved_organisation(programme))
    session = FinishedSessionFactory(activity=activity)
    give(MemberFactory(programme=programme), session, 60)
    facts.rebuild(connection)
    give(MemberFactory(programme=programme), session, 30)
    assert [row[9:] for row in _same_as_rebuilt()] == [(60, 60), (30, 30)]


MOVE_COLUMNS = [
    "transfer_id",
    "member_id",
    "programme_id",
    "kind",
    "posted_at",
    "venue_id",
    "offer_id",
    "category",
    "amount",
]


def _moves_as_rebuilt() -> list[tuple]:
    kept = list(MoveFact.objects.order_by("pk").values_list(*MOVE_COLUMNS))
    kept_calendars = _calendars()
    facts.rebuild(connection)
    assert kept == list(MoveFact.objects.order_by("pk").values_list(*MOVE_COLUMNS))
    assert kept_calendars == _calendars()
    return kept


def test_members_moves_of_credits_are_kept_as_rebuilding_them_would(db):
    """Spending (a hold is not yet spent), a donation, an expiry and its reversal; then a member
    moved to another programme, whose moves follow them, and the offer recategorised, whose
    spends follow it."""
    _programme, venue = spent_at_a_venue()
    swim = Offer.objects.get(organisation=venue)
    idle = MemberFactory(programme=ProgrammeFactory(expiry_months=6))
    last = timezone.localtime(earn(idle, 300).posted_at)
    credits_expire_due(now=add_months(last, 6) - datetime.timedelta(days=30))
    (expiry,) = credits_expire_due(now=add_months(last, 6)).expired
    admin = ProgrammeRoleFactory(programme=idle.programme, role="programme_admin").user
    expiry_reverse(actor=admin, programme_id=idle.programme.pk, transfer_id=expiry.pk)
    before = _moves_as_rebuilt()
    idle.programme = ProgrammeFactory()
    idle.save(update_fields=["programme"])
    assert {c for *_, c, _ in _moves_as_rebuilt() if c} == {"leisure"}
    swim.category = "learning"
    swim.save(update_fields=["category"])

    kept = _moves_as_rebuilt()

    assert sorted(
        (kind, venue_id, offer_id, category, amount)
        for _, _, _, kind, _, venue_id, offer_id, category, amount in kept
    ) == [
        ("donate", None, None, None, 30),
        ("expire", None, None, None, 300),
        ("restore", None, None, None, 300),
        ("spend", venue.pk, swim.pk, "learning", 60),
        ("spend", venue.pk, swim.pk, "learning", 60),
    ]
    assert {member_id for _, member_id, _, kind, *_ in kept if kind == "restore"} == {idle.pk}
    # Each move is of its member's programme, the moved member's now their new one.
    programmes = dict(Member.objects.values_list("pk", "programme_id"))
    assert all(programme_id == programmes[member] for _, member, programme_id, *_ in kept)
    assert {p for _, member, p, *_ in before if member == idle.pk} != {idle.programme_id}
    assert [m[:7] for m in kept if m[1] != idle.pk] == [m[:7] for m in before if m[1] != idle.pk]


def test_the_triggers_are_in_place(db):
    """A table rebuilt by a later migration (SQLite rebuilds a table to alter it) would take its
    triggers with it, silently: the test database, built by the migrations, must have them all."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'reports_fact_%%' "
                "OR tgname LIKE 'reports_calendar_%%' OR tgname LIKE 'reports_session_%%'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'reports_fact_%%'"
            )
        installed = {name for (name,) in cursor.fetchall()}
    calendar = calendars.TRIGGERS + calendars.CHANGES if connection.vendor == "postgresql" else []
    assert installed == {name for name, *_ in facts.TRIGGERS + calendar}
