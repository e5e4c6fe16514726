"""Creating activities and sessions, including weekly and fortnightly series."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from partners.models import StaffMembership
from tests.factories import (
    ActivityFactory,
    ContributionFactory,
    MemberFactory,
    OrganisationFactory,
    StaffMembershipFactory,
)
from timecredits.activities.errors import SessionCancelled
from timecredits.activities.models import Activity, Session
from timecredits.activities.services import checkins
from timecredits.activities.use_cases import sessions
from timecredits.errors import Conflict, Invalid, PermissionDenied

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def coordinator_of(organisation):
    return StaffMembershipFactory(
        organisation=organisation, role=StaffMembership.Role.COORDINATOR
    ).user


def test_a_fortnightly_series_keeps_its_local_time_across_the_clock_change():
    activity = ActivityFactory()
    start = datetime.datetime(2026, 10, 13, 10, 0, tzinfo=LONDON)  # BST; clocks go back 25 Oct

    created = sessions.sessions_create(
        actor=coordinator_of(activity.organisation),
        activity_id=activity.pk,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        repeat_every_weeks=2,
        repeat_count=3,
    )

    local = [timezone.localtime(s.starts_at, LONDON) for s in created]
    assert [(d.date().isoformat(), d.hour) for d in local] == [
        ("2026-10-13", 10),
        ("2026-10-27", 10),
        ("2026-11-10", 10),
    ]
    assert all(s.length_minutes == 120 for s in created)
    assert len({s.series for s in created}) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at_offset": -1}, "ends_at"),
        ({"credit_rule": "fixed"}, "fixed_minutes"),
        ({"repeat_every_weeks": 3, "repeat_count": 2}, "repeat_every_weeks"),
        # Steps past the calendar's end overflowed (found by fuzzing the API: a 500).
        ({"repeat_every_weeks": 200_000_000}, "repeat_every_weeks"),
        ({"repeat_every_weeks": -1_000_000, "repeat_count": 2}, "repeat_every_weeks"),
        ({"repeat_every_weeks": 2**63 - 1, "repeat_count": 2}, "repeat_every_weeks"),
        # "Does not repeat", yet three of them: made a weekly series nobody asked for.
        ({"repeat_every_weeks": None, "repeat_count": 3}, "repeat_every_weeks"),
        ({"repeat_count": 53}, "repeat_count"),
        ({"latitude": 51.5}, "latitude"),
    ],
)
def test_invalid_sessions_create_nothing(change, field):
    activity = ActivityFactory()
    start = timezone.now()
    offset = change.pop("ends_at_offset", 2)

    with pytest.raises(Invalid) as refused:
        sessions.sessions_create(
            actor=coordinator_of(activity.organisation),
            activity_id=activity.pk,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=offset),
            **change,
        )

    assert field in [p["field"] for p in refused.value.detail]
    assert Session.objects.count() == 0


def test_a_series_running_past_the_calendar_s_end_is_refused():
    """Late in the year 9999, a second week would be past the last date there is."""
    activity = ActivityFactory()
    start = datetime.datetime(9999, 12, 27, 10, 0, tzinfo=LONDON)

    with pytest.raises(Invalid) as refused:
        sessions.sessions_create(
            actor=coordinator_of(activity.organisation),
            activity_id=activity.pk,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            repeat_every_weeks=1,
            repeat_count=3,
        )

    assert [p["field"] for p in refused.value.detail] == ["starts_at"]
    assert Session.objects.count() == 0


def test_another_organisation_cannot_add_sessions():
    activity = ActivityFactory()

    with pytest.raises(PermissionDenied):
        sessions.sessions_create(
            actor=coordinator_of(OrganisationFactory()),
            activity_id=activity.pk,
            starts_at=timezone.now(),
            ends_at=timezone.now() + datetime.timedelta(hours=1),
        )


def test_an_activity_needs_an_approved_programme():
    activity = ActivityFactory()
    outsider_org = OrganisationFactory()

    with pytest.raises(Invalid):
        sessions.activity_create(
            actor=coordinator_of(outsider_org),
            organisation_id=outsider_org.pk,
            programme_id=activity.programme.pk,
            title="Litter pick",
            type="formal_volunteering",
        )

    assert Activity.objects.count() == 1


def _series(activity, count: int, **more) -> dict:
    """The add-sessions form, sent: `count` weekly sessions of `activity`."""
    return {
        "form": "session",
        "session-activity": activity.pk,
        "session-starts_at": "2026-12-01T10:00",
        "session-ends_at": "2026-12-01T12:00",
        "session-credit_rule": "per_hour",
        "session-repeat_every_weeks": "1",
        "session-repeat_count": str(count),
        "session-location": "Hall",
        **more,
    }


@pytest.mark.parametrize(("count", "said"), [(4, "4 sessions added."), (1, "1 session added.")])
def test_coordinator_adds_a_weekly_series_on_the_web(client, count, said):
    activity = ActivityFactory()
    client.force_login(coordinator_of(activity.organisation))

    response = client.post(
        f"/organisations/{activity.organisation.pk}/sessions/",
        _series(activity, count),
        follow=True,
    )

    assert said in response.content.decode()
    assert Session.objects.count() == count


def test_a_double_tap_on_add_sessions_adds_them_once(client):
    activity = ActivityFactory()
    client.force_login(coordinator_of(activity.organisation))
    page = f"/organisations/{activity.organisation.pk}/sessions/"
    token = client.get(page).context["session_form"]["token"].value()
    sent = _series(activity, 2, **{"session-token": token})

    first, again = client.post(page, sent, follow=True), client.post(page, sent, follow=True)

    assert Session.objects.count() == 2
    for response in (first, again):
        assert "2 sessions added." in response.content.decode()


# Cancelling


def _two_hours_from(activity, start, **fields):
    """Sessions of two hours from `start`, added by a coordinator of the activity's group."""
    return sessions.sessions_create(
        actor=coordinator_of(activity.organisation),
        activity_id=activity.pk,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        **fields,
    )


def _upcoming_series(activity, count=4, days_ahead=2):
    start = timezone.now() + datetime.timedelta(days=days_ahead)
    return _two_hours_from(activity, start, repeat_every_weeks=1, repeat_count=count)


def _cancelled():
    return set(Session.objects.filter(cancelled_at__isnull=False).values_list("pk", flat=True))


def test_a_coordinator_cancels_one_session_and_check_in_then_refuses_it():
    activity = ActivityFactory()
    _first, second, *_ = _upcoming_series(activity)
    coordinator = coordinator_of(activity.organisation)

    done = sessions.session_cancel(actor=coordinator, session_id=second.pk)
    again = sessions.session_cancel(actor=coordinator, session_id=second.pk)

    assert [s.pk for s in done] == [second.pk]
    assert again == []
    assert _cancelled() == {second.pk}
    member = MemberFactory(programme=activity.programme)
    with pytest.raises(SessionCancelled):
        checkins.claim(
            member=member,
            session=Session.objects.get(pk=second.pk),
            start=second.starts_at,
            end=second.ends_at,
        )


def test_cancelling_the_rest_of_a_series_leaves_earlier_sessions_and_those_with_time():
    activity = ActivityFactory()
    _first, second, third, fourth = _upcoming_series(activity)
    ContributionFactory(session=Session.objects.get(pk=fourth.pk), status="checked_in")

    done = sessions.session_cancel(
        actor=coordinator_of(activity.organisation), session_id=second.pk, series=True
    )

    assert [s.pk for s in done] == [second.pk, third.pk]
    assert _cancelled() == {second.pk, third.pk}


@pytest.mark.parametrize("why", ["started", "has_time"])
def test_a_session_that_started_or_has_time_is_not_cancelled(why):
    activity = ActivityFactory()
    (session,) = _upcoming_series(activity, count=1)
    if why == "started":
        Session.objects.filter(pk=session.pk).update(
            starts_at=timezone.now() - datetime.timedelta(minutes=5)
        )
    else:
        ContributionFactory(session=session, status="checked_in")

    with pytest.raises(Conflict) as refused:
        sessions.session_cancel(
            actor=coordinator_of(activity.organisation), session_id=session.pk, series=True
        )

    assert refused.value.code == {"started": "session_started", "has_time": "session_has_time"}[why]
    assert _cancelled() == set()


def test_a_cancelled_session_is_put_back_until_it_starts_and_only_by_its_organisation():
    activity = ActivityFactory()
    session, later = _upcoming_series(activity, count=2)
    coordinator = coordinator_of(activity.organisation)
    sessions.session_cancel(actor=coordinator, session_id=session.pk, series=True)

    with pytest.raises(PermissionDenied):
        sessions.session_reinstate(
            actor=coordinator_of(OrganisationFactory()), session_id=session.pk
        )
    back = sessions.session_reinstate(actor=coordinator, session_id=session.pk)

    assert back.cancelled_at is None
    assert _cancelled() == {later.pk}
    Session.objects.filter(pk=later.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    with pytest.raises(Conflict):
        sessions.session_reinstate(actor=coordinator, session_id=later.pk)
    assert _cancelled() == {later.pk}


def test_a_series_that_would_run_past_2099_is_refused_and_nothing_is_added():
    activity = ActivityFactory()
    start = datetime.datetime(2099, 12, 20, 10, 0, tzinfo=LONDON)

    with pytest.raises(Invalid) as refused:
        _two_hours_from(activity, start, repeat_every_weeks=2, repeat_count=52)

    assert [p["field"] for p in refused.value.detail] == ["starts_at"]
    assert not Session.objects.exists()


def test_a_fixed_amount_above_a_day_is_refused():
    activity = ActivityFactory()
    start = timezone.now() + datetime.timedelta(days=1)

    with pytest.raises(Invalid) as refused:
        _two_hours_from(activity, start, credit_rule="fixed", fixed_minutes=2_147_483_647)

    assert [p["field"] for p in refused.value.detail] == ["fixed_minutes"]
    assert not Session.objects.exists()
