"""A session as its programme's members see it, from their home: when, where, what it earns, a
calendar file for their phone, and the scanner while its door is open."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.factories import (
    ContributionFactory,
    MemberFactory,
    SessionFactory,
    UserFactory,
    approved_organisation,
)
from timecredits.activities.services.sessions import session_cancel, session_reinstate

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=2)


def a_session(member, **fields):
    return SessionFactory(
        activity__programme=member.programme,
        activity__title="Repair café",
        activity__description="Bring something broken.\nWe mend it together.",
        location="St Mary's Hall",
        **{"starts_at": timezone.now() + LATER, **fields},
    )


def menders_session(client):
    """A session of the Menders, two days away, with its member signed in."""
    member = MemberFactory()
    client.force_login(member.user)
    return a_session(
        member, activity__organisation=approved_organisation(member.programme, name="Menders")
    )


def test_the_home_links_each_session_coming_up_to_its_page(client):
    member = MemberFactory()
    session = a_session(
        member, activity__organisation=approved_organisation(member.programme, name="Menders")
    )
    ContributionFactory(
        member=member,
        session=SessionFactory(activity=session.activity),
        status="approved",
    )
    client.force_login(member.user)

    home = client.get("/").content.decode()

    assert f'href="/me/sessions/{session.pk}/"' in home


def test_a_member_sees_when_where_and_what_a_session_earns(client):
    session = menders_session(client)

    response = client.get(f"/me/sessions/{session.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Repair café</h1>" in page
    assert "Menders" in page and "St Mary&#x27;s Hall" in page
    assert timezone.localtime(session.starts_at).strftime("%H:%M") in page
    assert "Bring something broken.<br>We mend it together." in page
    assert "credits" in page  # what staying earns
    assert f'href="/me/sessions/{session.pk}/calendar.ics"' in page
    assert "openstreetmap.org/search?query=St%20Mary%27s%20Hall" in page
    assert "scan the code at the door" not in page  # two days before, the door is shut


def test_the_scanner_is_offered_while_the_door_is_open(client):
    member = MemberFactory()
    opening = a_session(member, starts_at=timezone.now() + datetime.timedelta(minutes=20))
    ended = a_session(member, starts_at=timezone.now() - datetime.timedelta(hours=3))
    client.force_login(member.user)

    assert 'href="/scan/"' in client.get(f"/me/sessions/{opening.pk}/").content.decode()
    page = client.get(f"/me/sessions/{ended.pk}/").content.decode()
    assert "scan the code at the door" not in page


def test_a_cancelled_session_says_so_and_offers_its_cancellation_not_the_scanner(client):
    member = MemberFactory()
    session = a_session(
        member,
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        cancelled_at=timezone.now(),
    )
    client.force_login(member.user)

    page = client.get(f"/me/sessions/{session.pk}/").content.decode()

    assert "This session is cancelled." in page
    assert "scan the code at the door" not in page and "Add to your calendar" not in page
    # Who added it can have their calendar mark it cancelled.
    assert f'href="/me/sessions/{session.pk}/calendar.ics">Mark it cancelled' in page


def test_the_calendar_file_is_one_event_a_phone_can_add(client):
    session = menders_session(client)

    response = client.get(f"/me/sessions/{session.pk}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    # iCalendar counts whole seconds.
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") == session.ends_at.replace(microsecond=0)
    assert str(event["summary"]) == "Repair café"
    assert str(event["location"]) == "St Mary's Hall"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["url"]).endswith(f"/me/sessions/{session.pk}/")
    assert "Menders" in str(event["description"])
    again = Calendar.from_ical(client.get(f"/me/sessions/{session.pk}/calendar.ics").content)
    assert str(again.walk("VEVENT")[0]["uid"]) == str(event["uid"])  # updates, never doubles


def test_a_cancelled_sessions_calendar_file_cancels_the_event_and_putting_it_back_undoes_it(client):
    member = MemberFactory()
    session = a_session(member)
    client.force_login(member.user)

    def event():
        response = client.get(f"/me/sessions/{session.pk}/calendar.ics")
        (event,) = Calendar.from_ical(response.content).walk("VEVENT")
        return str(event["status"]), event.decoded("sequence")

    first = event()
    session_cancel(session=session)
    cancelled = event()
    session_reinstate(session=session)

    # Each version numbered higher than the one a calendar holds, or it keeps the older one.
    assert (first, cancelled, event()) == (("CONFIRMED", 0), ("CANCELLED", 1), ("CONFIRMED", 2))


@pytest.mark.parametrize("path", ["/me/sessions/{}/", "/me/sessions/{}/calendar.ics"])
def test_another_programmes_session_is_not_found(client, path):
    member = MemberFactory()
    elsewhere = a_session(MemberFactory())  # another member's programme
    client.force_login(member.user)

    assert client.get(path.format(elsewhere.pk)).status_code == 404
    assert client.get(path.format(elsewhere.pk + 1000)).status_code == 404


@pytest.mark.parametrize("path", ["/me/sessions/{}/", "/me/sessions/{}/calendar.ics"])
def test_only_a_signed_in_member_sees_a_session(client, path):
    session = a_session(MemberFactory())

    signed_out = client.get(path.format(session.pk))
    assert signed_out.status_code == 302 and "/sign-in/" in signed_out["Location"]

    client.force_login(UserFactory())  # staff with no member profile
    assert client.get(path.format(session.pk)).status_code == 404


def test_a_session_page_takes_no_post(client):
    member = MemberFactory()
    session = a_session(member)
    client.force_login(member.user)

    assert client.post(f"/me/sessions/{session.pk}/").status_code == 405


def test_a_session_one_has_given_time_at_says_so_and_leaves_coming_up(client):
    # After checking in and out, the session stayed under "Coming up" and its page still said
    # "Check in: scan the code at the door", with no sign the member came.
    member = MemberFactory()
    now = timezone.now()
    session = a_session(
        member,
        activity__organisation=approved_organisation(member.programme, name="Menders"),
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=1),
    )
    later = SessionFactory(activity=session.activity, starts_at=now + LATER)
    client.force_login(member.user)
    before = client.get(f"/me/sessions/{session.pk}/").content.decode()
    ContributionFactory(member=member, session=session, status="pending", minutes=120)

    home = client.get("/").content.decode()
    page = client.get(f"/me/sessions/{session.pk}/").content.decode()

    assert "Check in: scan the code at the door" in before
    assert f'href="/me/sessions/{session.pk}/"' not in home
    assert f'href="/me/sessions/{later.pk}/"' in home
    assert "Check in: scan the code at the door" not in page
    assert "You gave 2 hours here." in page and "Waiting for verification" in page
