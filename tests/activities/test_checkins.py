"""Check-in, check-out, passes, attendance and claims: the rules, and nothing written on refusal."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from partners.models import StaffMembership
from tests.factories import MemberFactory, SessionFactory, StaffMembershipFactory, UserFactory
from timecredits.activities import tokens
from timecredits.activities.errors import (
    AlreadyCheckedInElsewhere,
    NotCheckedIn,
    Overlapping,
    SessionCancelled,
    SessionNotOpen,
    SessionOver,
    TokenInvalid,
    WrongProgramme,
    WrongSession,
)
from timecredits.activities.models import Contribution, ContributionEvent, Session
from timecredits.activities.services import checkins
from timecredits.activities.use_cases import checkins as use_cases
from timecredits.errors import PermissionDenied, RateLimited
from timecredits.members import passes
from timecredits.members.passes import PassRevoked

pytestmark = pytest.mark.django_db

HOUR, MINUTE = datetime.timedelta(hours=1), datetime.timedelta(minutes=1)


def poster(session):
    return tokens.poster_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
    )


def member_of(session, **kwargs):
    return MemberFactory(programme=session.activity.programme, **kwargs)


def coordinator_of(session):
    return StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user


@pytest.mark.parametrize(
    ("granularity", "raw", "rounded"),
    [(15, 7, 0), (15, 8, 15), (15, 52, 45), (15, 53, 60), (30, 44, 30), (30, 45, 60), (1, 37, 37)],
)
def test_rounding_is_to_the_nearest_step(granularity, raw, rounded):
    assert checkins.round_minutes(raw, granularity) == rounded


def test_scanning_a_poster_checks_in_once():
    session = SessionFactory()
    member = member_of(session)

    first, created = checkins.checkin_by_token(member=member, token=poster(session))
    again, created_again = checkins.checkin_by_token(member=member, token=poster(session))

    assert (created, created_again) == (True, False)
    assert first == again
    assert (first.status, first.method) == ("checked_in", "poster")
    assert list(ContributionEvent.objects.values_list("action", flat=True)) == ["checked_in_poster"]


def test_forged_token_creates_nothing():
    session = SessionFactory()

    with pytest.raises(TokenInvalid):
        checkins.checkin_by_token(member=member_of(session), token=poster(session) + "x")

    assert Contribution.objects.count() == 0


def test_token_for_another_session_than_asked_is_refused():
    session, other = SessionFactory(), SessionFactory()

    with pytest.raises(WrongSession):
        checkins.checkin_by_token(
            member=member_of(session), token=poster(session), session_id=other.pk
        )

    assert Contribution.objects.count() == 0


def test_a_session_of_another_programme_is_refused():
    session = SessionFactory()

    with pytest.raises(WrongProgramme):
        checkins.checkin_by_token(member=MemberFactory(), token=poster(session))

    assert Contribution.objects.count() == 0


def test_one_open_checkin_per_member():
    session = SessionFactory()
    other = SessionFactory(activity__programme=session.activity.programme)
    member = member_of(session)
    checkins.checkin_by_token(member=member, token=poster(session))

    with pytest.raises(AlreadyCheckedInElsewhere):
        checkins.checkin_by_token(member=member, token=poster(other))

    assert Contribution.objects.count() == 1


def test_checkout_caps_at_the_session_length():
    session = SessionFactory(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    member = member_of(session)
    Contribution.objects.create(
        member=member,
        session=session,
        method="poster",
        checked_in_at=session.starts_at - datetime.timedelta(minutes=20),
    )

    contribution = checkins.checkout(member=member)

    assert (contribution.status, contribution.minutes) == ("pending", 120)
    assert contribution.checked_out_at > session.ends_at


def test_checkout_rounds_by_programme_policy():
    session = SessionFactory(
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    session.activity.programme.rounding_minutes = 30
    session.activity.programme.save()
    member = member_of(session)
    Contribution.objects.create(
        member=member,
        session=session,
        method="poster",
        checked_in_at=timezone.now() - datetime.timedelta(minutes=50),
    )

    contribution = checkins.checkout(member=member)

    assert contribution.minutes == 60


def test_checkout_without_checkin_is_refused():
    with pytest.raises(NotCheckedIn):
        checkins.checkout(member=MemberFactory())


def test_the_daily_cap_reduces_and_flags():
    session = SessionFactory(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    programme = session.activity.programme
    programme.daily_cap_minutes = 90
    programme.rounding_minutes = 1
    programme.save()
    member = member_of(session)
    Contribution.objects.create(
        member=member,
        session=session,
        method="poster",
        checked_in_at=timezone.now() - datetime.timedelta(minutes=120),
    )

    contribution = checkins.checkout(member=member)

    assert (contribution.minutes, contribution.capped) == (90, True)


def test_ended_sessions_are_checked_out_automatically_and_flagged():
    session = SessionFactory(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    member = member_of(session)
    Contribution.objects.create(
        member=member, session=session, method="kiosk", checked_in_at=session.starts_at
    )

    assert checkins.checkouts_due() == 1
    assert checkins.checkouts_due() == 0

    contribution = Contribution.objects.get()
    assert (contribution.status, contribution.auto_checked_out) == ("pending", True)
    assert contribution.checked_out_at == session.ends_at
    assert contribution.minutes == 120


def test_geofence_flags_but_does_not_refuse():
    session = SessionFactory(latitude="51.481600", longitude="-3.179100", radius_m=200)
    member = member_of(session)

    contribution, _ = checkins.checkin_by_token(
        member=member, token=poster(session), latitude=51.5074, longitude=-0.1278
    )

    assert contribution.outside_geofence is True


@pytest.mark.parametrize(
    ("latitude", "longitude", "flagged"),
    [
        (51.4817, -3.1792, False),  # at the door
        (None, None, True),  # no position given
        ("abc", "-3.1", True),
        ("nan", "nan", True),
        (123.0, 0.0, True),
    ],
)
def test_a_fenced_session_flags_a_checkin_without_a_usable_position(latitude, longitude, flagged):
    session = SessionFactory(latitude="51.481600", longitude="-3.179100", radius_m=200)

    contribution, _ = checkins.checkin_by_token(
        member=member_of(session), token=poster(session), latitude=latitude, longitude=longitude
    )

    assert contribution.outside_geofence is flagged


def test_checkins_are_rate_limited():
    session = SessionFactory()
    member = member_of(session)
    for _ in range(checkins.CHECKINS_PER_MINUTE):
        checkins.checkin_by_token(member=member, token=poster(session))

    with pytest.raises(RateLimited):
        checkins.checkin_by_token(member=member, token=poster(session))


def test_the_daily_cap_counts_the_time_already_given_that_day():
    now = timezone.now()
    session = SessionFactory(starts_at=now - 2 * HOUR, ends_at=now + HOUR)
    programme = session.activity.programme
    programme.daily_cap_minutes, programme.rounding_minutes = 90, 1
    programme.save()
    member = member_of(session)
    checked_in_at = now - 60 * MINUTE
    # Sixty minutes given earlier the same day (dated with this stay, so a run just after
    # midnight still finds them on its day), waiting for verification.
    Contribution.objects.create(
        member=member,
        session=SessionFactory(activity__programme=programme),
        method="poster",
        status="pending",
        minutes=60,
        checked_in_at=checked_in_at,
        checked_out_at=checked_in_at,
    )
    Contribution.objects.create(
        member=member, session=session, method="poster", checked_in_at=checked_in_at
    )

    contribution = checkins.checkout(member=member)

    assert (contribution.minutes, contribution.capped) == (30, True)


def test_a_coordinator_scans_a_printed_card():
    session = SessionFactory()
    member = member_of(session)
    card = passes.pass_token(member_id=member.pk, pass_version=member.pass_version)

    contribution, created = checkins.checkin_by_pass(
        actor=coordinator_of(session), session=session, pass_token=card
    )

    assert created and contribution.method == "pass"


@pytest.mark.parametrize(
    ("starts", "ends", "refusal"),
    [(31 * MINUTE, 2 * HOUR, SessionNotOpen), (-2 * HOUR, -31 * MINUTE, SessionOver)],
    ids=["before the door opens", "after the door closes"],
)
def test_a_card_scanned_outside_the_sessions_door_window_is_refused(starts, ends, refusal):
    """The door takes scans from half an hour before the session to half an hour after it: a
    minute outside that, a card is refused."""
    now = timezone.now()
    session = SessionFactory(starts_at=now + starts, ends_at=now + ends)
    member = member_of(session)
    card = passes.pass_token(member_id=member.pk, pass_version=member.pass_version)

    with pytest.raises(refusal):
        checkins.checkin_by_pass(actor=coordinator_of(session), session=session, pass_token=card)

    assert Contribution.objects.count() == 0


def test_a_card_of_a_member_in_another_programme_is_refused():
    session = SessionFactory()
    stranger = MemberFactory()  # a programme of their own
    card = passes.pass_token(member_id=stranger.pk, pass_version=stranger.pass_version)

    with pytest.raises(WrongProgramme):
        checkins.checkin_by_pass(actor=coordinator_of(session), session=session, pass_token=card)

    assert Contribution.objects.count() == 0


def test_a_revoked_card_is_refused():
    session = SessionFactory()
    member = member_of(session)
    card = passes.pass_token(member_id=member.pk, pass_version=member.pass_version)
    member.pass_version += 1
    member.save()

    with pytest.raises(PassRevoked):
        checkins.checkin_by_pass(actor=coordinator_of(session), session=session, pass_token=card)

    assert Contribution.objects.count() == 0


def test_only_the_sessions_own_staff_can_scan_passes():
    session = SessionFactory()
    member = member_of(session)
    outsider = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR).user

    with pytest.raises(PermissionDenied):
        use_cases.checkin_by_pass(
            actor=outsider,
            session_id=session.pk,
            pass_token=passes.pass_token(member_id=member.pk, pass_version=1),
        )


def test_attendance_by_hand_lands_as_pending_for_the_whole_session():
    session = SessionFactory()
    members = [member_of(session) for _ in range(3)]

    added = checkins.attendance_add(actor=coordinator_of(session), session=session, members=members)

    assert [(c.status, c.method, c.minutes) for c in added] == [("pending", "manual", 120)] * 3


def test_claims_cannot_overlap_recorded_time():
    first = SessionFactory(
        starts_at=timezone.now() - datetime.timedelta(days=1, hours=3),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    second = SessionFactory(
        activity__programme=first.activity.programme,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
    )
    member = member_of(first)
    checkins.claim(
        member=member,
        session=first,
        start=first.starts_at,
        end=first.starts_at + datetime.timedelta(hours=2),
    )

    with pytest.raises(Overlapping):
        checkins.claim(
            member=member,
            session=second,
            start=first.starts_at + datetime.timedelta(hours=1),
            end=first.ends_at,
        )

    assert Contribution.objects.count() == 1
    assert Contribution.objects.get().status == "pending"


# A cancelled session records no time, however it arrives


def cancelled_session(**fields):
    return SessionFactory(cancelled_at=timezone.now(), **fields)


def test_a_card_scanned_at_a_cancelled_session_is_refused_and_nothing_is_written():
    session = cancelled_session()
    member = member_of(session)
    card = passes.pass_token(member_id=member.pk, pass_version=member.pass_version)

    with pytest.raises(SessionCancelled) as refused:
        checkins.checkin_by_pass(actor=coordinator_of(session), session=session, pass_token=card)

    assert refused.value.message == "This session was cancelled, so no time can be recorded at it."
    assert Contribution.objects.count() == 0
    assert ContributionEvent.objects.count() == 0


def test_attendance_at_a_cancelled_session_is_refused_and_nothing_is_written():
    session = cancelled_session()
    members = [member_of(session) for _ in range(2)]

    with pytest.raises(SessionCancelled):
        checkins.attendance_add(actor=coordinator_of(session), session=session, members=members)

    assert Contribution.objects.count() == 0
    assert ContributionEvent.objects.count() == 0


def test_attendance_at_a_session_yet_to_start_is_refused_and_nothing_is_written():
    # Approved, time not yet given would be paid for now.
    starts = timezone.now() + datetime.timedelta(days=3)
    session = SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=8))
    members = [member_of(session) for _ in range(2)]

    with pytest.raises(SessionNotOpen) as refused:
        checkins.attendance_add(actor=coordinator_of(session), session=session, members=members)

    assert refused.value.message.startswith("You can add attendance once the session starts, on")
    assert Contribution.objects.count() == 0
    assert ContributionEvent.objects.count() == 0


def test_a_claim_at_a_cancelled_session_is_refused_and_nothing_is_written():
    session = cancelled_session(
        starts_at=timezone.now() - datetime.timedelta(days=1, hours=3),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    member = member_of(session)

    with pytest.raises(SessionCancelled):
        checkins.claim(
            member=member,
            session=session,
            start=session.starts_at,
            end=session.starts_at + datetime.timedelta(hours=2),
        )

    assert Contribution.objects.count() == 0
    assert ContributionEvent.objects.count() == 0


# Capacity: a soft rule, flagged for the coordinator like the geofence and the daily cap


def test_checking_in_to_a_full_session_is_flagged_for_review_not_refused():
    session = SessionFactory(capacity=2)
    members = [member_of(session) for _ in range(3)]

    arrivals = [checkins.checkin_by_token(member=m, token=poster(session)) for m in members]

    assert [(created, c.status, c.over_capacity) for c, created in arrivals] == [
        (True, "checked_in", False),
        (True, "checked_in", False),
        (True, "checked_in", True),
    ]


def test_a_card_scanned_at_a_full_session_is_flagged_too():
    session = SessionFactory(capacity=1)
    checkins.checkin_by_token(member=member_of(session), token=poster(session))
    member = member_of(session)
    card = passes.pass_token(member_id=member.pk, pass_version=member.pass_version)

    contribution, created = checkins.checkin_by_pass(
        actor=coordinator_of(session), session=session, pass_token=card
    )

    assert (created, contribution.method, contribution.over_capacity) == (True, "pass", True)


def test_rejected_time_frees_its_place_and_a_session_without_capacity_is_never_full():
    session = SessionFactory(capacity=1)
    turned_down = member_of(session)
    Contribution.objects.create(
        member=turned_down,
        session=session,
        method="claim",
        status=Contribution.Status.REJECTED,
        checked_in_at=session.starts_at,
        checked_out_at=session.starts_at,
    )
    open_ended = SessionFactory(activity=session.activity, starts_at=session.starts_at)
    for _ in range(3):
        checkins.checkin_by_token(member=member_of(open_ended), token=poster(open_ended))

    contribution, _created = checkins.checkin_by_token(
        member=member_of(session), token=poster(session)
    )

    assert contribution.over_capacity is False
    assert list(
        Contribution.objects.filter(session=open_ended).values_list("over_capacity", flat=True)
    ) == [False, False, False]


def test_time_written_for_a_session_cancelled_meanwhile_is_undone():
    # A check-in that read the session before its cancellation committed wrote its row after:
    # time at a cancelled session, which could then be approved and paid (found in review).
    session = SessionFactory()  # under way: attendance can be added
    member = MemberFactory(programme=session.activity.programme)
    read_before = Session.objects.get(pk=session.pk)
    Session.objects.filter(pk=session.pk).update(cancelled_at=timezone.now())

    with pytest.raises(SessionCancelled):
        checkins.attendance_add(actor=UserFactory(), session=read_before, members=[member])
    with pytest.raises(SessionCancelled):
        checkins.checkin_by_pass(
            actor=UserFactory(),
            session=read_before,
            pass_token=passes.pass_token(member_id=member.pk, pass_version=member.pass_version),
        )

    assert not Contribution.objects.filter(session=session).exists()


@pytest.mark.parametrize(
    ("day", "start", "end", "minutes"),
    [
        (datetime.date(2026, 10, 25), datetime.time(0, 30), datetime.time(3, 30), 240),
        (datetime.date(2026, 3, 29), datetime.time(0, 30), datetime.time(3, 0), 90),
    ],
)
def test_time_across_a_clock_change_earns_the_time_that_passed(day, start, end, minutes):
    # A claim's times are read on the session's day in the programme's zone (ClaimForm), and two
    # moments in one zone subtract as clock times: 00:30 to 03:30 read as 3 hours when the
    # clocks went back, and 00:30 to 03:00 as 2.5 when they went forward.
    def at(moment):
        return datetime.datetime.combine(day, moment, tzinfo=ZoneInfo("Europe/London"))

    session = SessionFactory(starts_at=at(datetime.time(0, 0)), ends_at=at(datetime.time(4, 0)))

    earned = checkins.earned_minutes(
        session=session, member=member_of(session), start=at(start), end=at(end)
    )

    assert earned == (minutes, False)
