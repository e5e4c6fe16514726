"""A member claims time at a past session they came to: it waits, or nothing is written."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from partners.models import StaffMembership
from tests.factories import ActivityFactory, MemberFactory, SessionFactory, StaffMembershipFactory
from timecredits.activities.models import Contribution, ContributionEvent
from timecredits.activities.services import checkins

pytestmark = pytest.mark.django_db


def yesterday_at(hour, minute=0, *, days=1):
    """`hour`:`minute` yesterday, local time (or `days` ago)."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def past_session(activity=None, **kwargs):
    """Yesterday from 10:00 to 12:00, local time."""
    return SessionFactory(
        **({"activity": activity} if activity else {}),
        starts_at=yesterday_at(10),
        ends_at=yesterday_at(12),
        **kwargs,
    )


def claim(client, session, start="10:15", end="11:15", note=""):
    return client.post(
        "/me/contributions/claim/",
        {"session": session.pk, "start": start, "end": end, "note": note},
    )


def api_claim(client, session):
    """The same claim through the API: the whole session."""
    body = {
        "session_id": session.pk,
        "start": session.starts_at.isoformat(),
        "end": session.ends_at.isoformat(),
    }
    return client.post("/api/v1/contributions/claims", body, content_type="application/json")


def nothing_written():
    return Contribution.objects.count() == 0 and ContributionEvent.objects.count() == 0


def test_the_contributions_page_offers_recent_sessions_to_claim(client):
    # given a past session, a future one, a cancelled one and one of another programme
    session = past_session()
    member = MemberFactory(programme=session.activity.programme)
    SessionFactory(activity=session.activity, starts_at=timezone.now() + datetime.timedelta(days=2))
    past_session(activity=session.activity, cancelled_at=timezone.now())
    past_session()
    client.force_login(member.user)

    # when
    page = client.get("/me/contributions/").content.decode()

    # then only the past session of the member's programme is offered
    assert page.count("/me/contributions/claim/?session=") == 1
    assert f'href="/me/contributions/claim/?session={session.pk}"' in page


def test_a_session_already_recorded_is_not_offered(client):
    session = past_session()
    member = MemberFactory(programme=session.activity.programme)
    coordinator = StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user
    checkins.attendance_add(actor=coordinator, session=session, members=[member])
    client.force_login(member.user)

    page = client.get("/me/contributions/").content.decode()

    assert "/me/contributions/claim/?session=" not in page


def test_the_claim_form_starts_from_the_chosen_session(client):
    session = past_session()
    client.force_login(MemberFactory(programme=session.activity.programme).user)

    response = client.get(f"/me/contributions/claim/?session={session.pk}")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{session.pk}" selected>' in page
    assert 'name="start" value="10:00"' in page
    assert 'name="end" value="12:00"' in page


def test_a_member_claims_time_and_it_waits_for_verification(client):
    session = past_session()
    member = MemberFactory(programme=session.activity.programme)
    client.force_login(member.user)

    response = claim(client, session, note="Forgot my phone")

    assert response.status_code == 302
    assert response["Location"] == "/me/contributions/"
    contribution = Contribution.objects.get()
    assert (
        contribution.member,
        contribution.session,
        contribution.method,
        contribution.status,
        contribution.minutes,
        contribution.note,
    ) == (member, session, "claim", "pending", 60, "Forgot my phone")
    assert (contribution.checked_in_at, contribution.checked_out_at) == (
        yesterday_at(10, 15),
        yesterday_at(11, 15),
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you. Your time waits for the coordinator to verify it."
    ]


def test_a_claim_that_overlaps_other_time_writes_nothing(client):
    # given the member was recorded at another session at the same hours
    session = past_session()
    member = MemberFactory(programme=session.activity.programme)
    elsewhere = past_session(activity=ActivityFactory(programme=session.activity.programme))
    coordinator = StaffMembershipFactory(
        organisation=elsewhere.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user
    checkins.attendance_add(actor=coordinator, session=elsewhere, members=[member])
    client.force_login(member.user)
    contributions, events = Contribution.objects.count(), ContributionEvent.objects.count()

    # when
    response = claim(client, session)

    # then
    assert response.status_code == 200
    assert "You already have time recorded that overlaps this." in response.content.decode()
    assert (Contribution.objects.count(), ContributionEvent.objects.count()) == (
        contributions,
        events,
    )


def test_a_future_session_cannot_be_claimed(client):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    session = SessionFactory(starts_at=tomorrow)
    client.force_login(MemberFactory(programme=session.activity.programme).user)
    start = timezone.localtime(tomorrow).strftime("%H:%M")

    response = client.post(
        "/me/contributions/claim/", {"session": session.pk, "start": start, "end": start}
    )

    assert response.status_code == 200
    assert "You can claim time only for a session that has started." in response.content.decode()
    assert nothing_written()


def test_a_cancelled_session_cannot_be_claimed(client):
    session = past_session(cancelled_at=timezone.now())
    client.force_login(MemberFactory(programme=session.activity.programme).user)

    response = claim(client, session)

    assert response.status_code == 200
    assert (
        "This session was cancelled, so no time can be recorded at it." in response.content.decode()
    )
    assert nothing_written()


def test_a_session_of_another_programme_cannot_be_claimed(client):
    session = past_session()
    client.force_login(MemberFactory().user)

    response = claim(client, session)

    assert response.status_code == 200
    assert "This session is part of a programme you have not joined." in response.content.decode()
    assert nothing_written()


def test_times_outside_the_session_or_backwards_are_shown_against_their_fields(client):
    session = past_session()
    client.force_login(MemberFactory(programme=session.activity.programme).user)

    response = claim(client, session, start="09:00", end="08:30")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<p class="field-error" id="id_end-error">The end must be after the start.</p>' in page
    assert (
        '<p class="field-error" id="id_start-error">Claim time within the session&#x27;s hours.</p>'
        in page
    )
    assert nothing_written()


def test_a_claim_at_a_session_past_midnight_ends_the_next_day(client):
    # The day before yesterday: a session from yesterday at 23:00 has not ended until 01:00
    # today, so in the first hour after midnight it could not be claimed yet.
    starts = yesterday_at(23, days=2)
    session = SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    client.force_login(MemberFactory(programme=session.activity.programme).user)

    response = claim(client, session, start="23:30", end="00:30")

    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.checked_in_at, contribution.checked_out_at, contribution.minutes) == (
        yesterday_at(23, 30, days=2),
        yesterday_at(23, 30, days=2) + datetime.timedelta(hours=1),
        60,
    )


def test_someone_without_a_member_profile_has_no_claim_page(client):
    session = past_session()
    coordinator = StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user
    client.force_login(coordinator)

    response = claim(client, session)

    assert response.status_code == 404
    assert nothing_written()


def test_a_session_older_than_the_claim_window_cannot_be_claimed(client):
    # The form offers the last 30 days; a link or the API naming an older one was taken.
    starts = timezone.now() - datetime.timedelta(days=31)
    session = SessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    member = MemberFactory(programme=session.activity.programme)
    client.force_login(member.user)

    page = client.get(f"/me/contributions/claim/?session={session.pk}").content.decode()
    api = api_claim(client, session)

    assert f'value="{session.pk}"' not in page
    assert "You can claim time only for sessions in the last 30 days." in page
    assert (api.status_code, api.json()["error"]["code"]) == (422, "claim_too_late")
    assert "last 30 days" in api.json()["error"]["message"]
    assert nothing_written()


def test_a_claim_too_short_to_count_is_refused_against_its_end(client):
    # The programme rounds to 15 minutes, halves up: 8 minutes count as 15, 7 as none.
    session = past_session()
    client.force_login(MemberFactory(programme=session.activity.programme).user)

    response = claim(client, session, start="10:00", end="10:07")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Claim at least 8 minutes: less counts as no time." in page
    assert nothing_written()
    claim(client, session, start="10:00", end="10:08")
    assert list(Contribution.objects.values_list("minutes", flat=True)) == [15]


def test_a_link_to_a_session_with_time_already_says_so_in_the_members_words(client):
    session = past_session()
    member = MemberFactory(programme=session.activity.programme)
    client.force_login(member.user)
    claim(client, session)

    page = client.get(f"/me/contributions/claim/?session={session.pk}").content.decode()
    again = claim(client, session).content.decode()

    api = api_claim(client, session)

    assert "You already have time recorded at" in page
    assert f'value="{session.pk}"' not in page
    assert "You already have time recorded at this session." in again
    assert "This member" not in again
    assert api.json()["error"]["message"].startswith("You already have time recorded at this")
    assert Contribution.objects.count() == 1


def test_time_given_pages_back_through_older_entries_with_their_year(client):
    # Only the newest 50 showed, and a claim for an older session vanished from the list.
    activity = ActivityFactory()
    member = MemberFactory(programme=activity.programme)
    now = timezone.now()
    for days_ago in range(1, 53):
        starts = now - datetime.timedelta(days=days_ago * 9)
        Contribution.objects.create(
            member=member,
            session=SessionFactory(activity=activity, starts_at=starts),
            method="claim",
            checked_in_at=starts,
            checked_out_at=starts + datetime.timedelta(hours=1),
            minutes=60,
            status="approved",
        )
    oldest = timezone.localtime(now - datetime.timedelta(days=52 * 9))
    client.force_login(member.user)

    first = client.get("/me/contributions/").content.decode()
    second = client.get("/me/contributions/?page=2").content.decode()
    beyond = client.get("/me/contributions/?page=999999999999999999")

    assert first.count("<time ") == 50
    assert 'href="?page=2"' in first and "Newer" not in first
    assert second.count("<time ") == 2
    assert oldest.strftime("%Y") in second and 'href="?page=1"' in second
    assert "Forgot to check in?" not in second
    assert beyond.status_code == 200
