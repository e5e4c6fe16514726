"""A coordinator's sessions list (coming up, past, needing verification; filters and pages), the
compact verification queue (one tap, hours on demand, ticked rows at once) and the door screen's
rotating code."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from ledger.models import Transfer
from tests.factories import ActivityFactory, FinishedSessionFactory, MemberFactory, SessionFactory
from tests.web.test_session_pages import coordinator_of, member_of
from timecredits.activities.models import Contribution

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def sessions_url(session) -> str:
    return f"/organisations/{session.activity.organisation_id}/sessions/"


def verify_url(session) -> str:
    return f"/organisations/{session.activity.organisation_id}/verify/"


def listed(response) -> list[int]:
    """The sessions the list links to, in order."""
    return [
        int(pk)
        for pk in re.findall(
            r'class="list-link" href="/sessions/(\d+)/"', response.content.decode()
        )
    ]


def pending(session, member, minutes=90):
    return Contribution.objects.create(
        member=member,
        session=session,
        method="manual",
        status=Contribution.Status.PENDING,
        checked_in_at=session.starts_at,
        checked_out_at=session.starts_at + datetime.timedelta(minutes=minutes),
        minutes=minutes,
    )


@pytest.fixture
def sessions():
    """Two past sessions (one with time waiting) and two coming up, of two activities."""
    now = timezone.now()
    lunch = ActivityFactory(title="Lunch club")
    garden = ActivityFactory(
        title="Garden", organisation=lunch.organisation, programme=lunch.programme
    )
    made = {
        "last_week": SessionFactory(activity=lunch, starts_at=now - 7 * 24 * HOUR),
        "yesterday": SessionFactory(activity=garden, starts_at=now - 24 * HOUR),
        "tomorrow": SessionFactory(activity=lunch, starts_at=now + 24 * HOUR),
        "next_week": SessionFactory(activity=garden, starts_at=now + 7 * 24 * HOUR),
    }
    made["waiting"] = pending(made["yesterday"], member_of(made["yesterday"], "Nell", "Price"))
    return made


def test_the_list_shows_what_is_coming_up_first(client, sessions):
    client.force_login(coordinator_of(sessions["tomorrow"]))

    response = client.get(sessions_url(sessions["tomorrow"]))

    assert response.status_code == 200
    assert listed(response) == [sessions["tomorrow"].pk, sessions["next_week"].pk]
    assert f'href="{sessions_url(sessions["tomorrow"])}?when=past"' in response.content.decode()


def test_past_sessions_are_one_tap_away_latest_first_with_their_counts(client, sessions):
    client.force_login(coordinator_of(sessions["tomorrow"]))

    response = client.get(sessions_url(sessions["tomorrow"]), {"when": "past"})

    page = response.content.decode()
    assert listed(response) == [sessions["yesterday"].pk, sessions["last_week"].pk]
    assert '<span class="tag">1 came</span>' in page
    assert '<span class="tag warning">1 waiting</span>' in page


def test_needs_verifying_lists_the_sessions_with_time_waiting(client, sessions):
    client.force_login(coordinator_of(sessions["tomorrow"]))

    response = client.get(sessions_url(sessions["tomorrow"]), {"when": "waiting"})

    assert listed(response) == [sessions["yesterday"].pk]


def test_filters_by_activity_and_dates(client, sessions):
    client.force_login(coordinator_of(sessions["tomorrow"]))
    lunch = sessions["last_week"].activity
    url = sessions_url(sessions["tomorrow"])
    day = timezone.localdate() - datetime.timedelta(days=3)

    by_activity = client.get(url, {"when": "past", "activity": lunch.pk})
    by_dates = client.get(url, {"when": "past", "start": day.isoformat()})
    nothing = client.get(url, {"when": "upcoming", "end": day.isoformat()})

    assert listed(by_activity) == [sessions["last_week"].pk]
    assert listed(by_dates) == [sessions["yesterday"].pk]
    assert listed(nothing) == []
    assert "No sessions match these filters." in nothing.content.decode()


def test_dates_the_wrong_way_round_say_so_and_list_unfiltered(client, sessions):
    client.force_login(coordinator_of(sessions["tomorrow"]))
    today = timezone.localdate()

    response = client.get(
        sessions_url(sessions["tomorrow"]),
        {"when": "past", "start": today.isoformat(), "end": "2020-01-01"},
    )

    assert "Choose a date on or after the first one." in response.content.decode()
    assert listed(response) == [sessions["yesterday"].pk, sessions["last_week"].pk]


def test_a_long_past_is_paged(client):
    first = SessionFactory(starts_at=timezone.now() - 100 * HOUR)
    for days in range(2, 23):
        SessionFactory(activity=first.activity, starts_at=first.starts_at - days * 24 * HOUR)
    client.force_login(coordinator_of(first))

    one = client.get(sessions_url(first), {"when": "past"})
    two = client.get(sessions_url(first), {"when": "past", "page": 2})

    assert (len(listed(one)), len(listed(two))) == (20, 2)
    assert f'href="{sessions_url(first)}?when=past&amp;page=2"' in one.content.decode()
    assert "Page 2 of 2" in two.content.decode()


def test_someone_else_cannot_see_the_list(client, sessions):
    client.force_login(sessions["waiting"].member.user)

    assert client.get(sessions_url(sessions["tomorrow"]), {"when": "past"}).status_code == 403


# The queue


def test_the_queue_shows_one_compact_row_with_hours_and_one_tap_approve(client, sessions):
    waiting = sessions["waiting"]
    client.force_login(coordinator_of(waiting.session))

    page = client.get(verify_url(waiting.session)).content.decode()

    assert "Nell Price" in page
    assert "1.5 hours" in page
    assert f'name="contributions" value="{waiting.pk}" form="bulk"' in page
    assert f'name="hours" id="h{waiting.pk}" value="1.5"' in page
    assert "Minutes" not in page


def test_one_tap_approves_as_it_stands(client, sessions):
    waiting = sessions["waiting"]
    client.force_login(coordinator_of(waiting.session))

    response = client.post(
        verify_url(waiting.session), {"contribution": waiting.pk, "decision": "approve"}
    )

    assert flashed(response) == [f"Approved: Nell Price ({waiting.member.code})."]
    waiting.refresh_from_db()
    assert waiting.status == "approved"
    assert list(Transfer.objects.filter(kind="earn").values_list("amount", flat=True)) == [90]


def test_changing_the_hours_approves_them_in_minutes_with_the_reason(client, sessions):
    waiting = sessions["waiting"]
    client.force_login(coordinator_of(waiting.session))

    client.post(
        verify_url(waiting.session),
        {
            "contribution": waiting.pk,
            "hours": "1.25",
            "reason": "Left early",
            "decision": "approve",
        },
    )

    waiting.refresh_from_db()
    assert (waiting.status, waiting.minutes) == ("approved", 75)
    assert list(Transfer.objects.filter(kind="earn").values_list("amount", flat=True)) == [75]


def test_a_refused_change_of_hours_stays_open_with_what_was_typed_in_hours(client, sessions):
    # It said "Use from 0 to 60 minutes" of a field that asks for hours, above a queue whose
    # row had closed and forgotten the hours and the reason typed.
    waiting = sessions["waiting"]
    client.force_login(coordinator_of(waiting.session))
    length = waiting.session.length_minutes / 60

    response = client.post(
        verify_url(waiting.session),
        {"contribution": waiting.pk, "hours": "30", "reason": "Stayed late", "decision": "approve"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    apostrophe = "\N{RIGHT SINGLE QUOTATION MARK}"
    assert f"Use from 0 to {length:g} hours, the session{apostrophe}s length." in page
    assert "minutes" not in page.split(f'id="e{waiting.pk}"')[1].split("</p>")[0]
    row = page.split(f'id="h{waiting.pk}"')[1]
    assert 'value="30"' in row.split(">")[0]
    assert 'value="Stayed late"' in page
    assert '<details class="queue-edit" open>' in page
    waiting.refresh_from_db()
    assert (waiting.status, waiting.minutes) == ("pending", 90)


def test_a_refused_change_to_time_decided_meanwhile_says_why(client, sessions):
    # Its row has left the queue, so the refusal cannot stand there: it was not said at all.
    waiting = sessions["waiting"]
    client.force_login(coordinator_of(waiting.session))
    client.post(verify_url(waiting.session), {"contribution": waiting.pk, "decision": "approve"})

    response = client.post(
        verify_url(waiting.session),
        {"contribution": waiting.pk, "hours": "1", "reason": "Left", "decision": "reject"},
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    waiting.refresh_from_db()
    assert waiting.status == "approved"


def test_hours_as_shown_need_no_reason(client):
    session = FinishedSessionFactory()
    waiting = pending(session, member_of(session, "Ann", "Lee"), minutes=95)
    client.force_login(coordinator_of(session))

    client.post(
        verify_url(session),
        {"contribution": waiting.pk, "hours": "1.58", "reason": "", "decision": "approve"},
    )

    waiting.refresh_from_db()
    assert (waiting.status, waiting.minutes) == ("approved", 95)


def test_approve_selected_approves_the_ticked_rows_and_says_who(client):
    session = FinishedSessionFactory()
    ann = pending(session, member_of(session, "Ann", "Lee"), minutes=60)
    bo = pending(session, member_of(session, "Bo", "Ray"), minutes=30)
    left = pending(session, member_of(session, "Cy", "Fox"), minutes=45)
    client.force_login(coordinator_of(session))

    response = client.post(
        verify_url(session),
        {"approve_selected": "1", "contributions": [ann.pk, bo.pk]},
        follow=True,
    )

    assert (
        f"Approved 2 people&#x27;s time: Ann Lee ({ann.member.code}), Bo Ray ({bo.member.code}). "
        "Their credits are posted." in response.content.decode()
    )
    assert dict(Contribution.objects.values_list("pk", "status")) == {
        ann.pk: "approved",
        bo.pk: "approved",
        left.pk: "pending",
    }
    assert sorted(Transfer.objects.filter(kind="earn").values_list("amount", flat=True)) == [
        30,
        60,
    ]


def test_approve_selected_with_nothing_ticked_says_so(client):
    session = SessionFactory()
    pending(session, member_of(session, "Ann", "Lee"))
    client.force_login(coordinator_of(session))

    response = client.post(verify_url(session), {"approve_selected": "1"})

    assert flashed(response) == ["Choose the time to approve first."]
    assert not Transfer.objects.filter(kind="earn").exists()


def test_select_all_without_script_ticks_every_row(client, sessions):
    waiting = sessions["waiting"]
    client.force_login(coordinator_of(waiting.session))

    page = client.get(verify_url(waiting.session), {"select": "all"}).content.decode()

    assert f'value="{waiting.pk}" form="bulk" id="pick{waiting.pk}" checked' in page
    assert "Approve selected<span data-bulk-count> (1)</span>" in page


# The door screen


def test_the_door_screen_has_no_timed_refresh_and_a_new_code_button(client):
    session = SessionFactory()
    client.force_login(coordinator_of(session))

    page = client.get(f"/sessions/{session.pk}/kiosk/").content.decode()
    code = client.get(f"/sessions/{session.pk}/kiosk/code/")

    assert "http-equiv" not in page
    assert f'href="/sessions/{session.pk}/kiosk/" data-refresh>Show a new code</a>' in page
    assert code.status_code == 200
    assert code.json()["qr"].startswith("<svg")
    assert 1 <= code.json()["seconds_left"] <= 30


def test_a_door_screen_whose_session_is_cancelled_gets_no_new_code(client):
    """Its script reloads on a 409 and the page then says the session is cancelled."""
    session = SessionFactory()
    client.force_login(coordinator_of(session))
    session.cancelled_at = timezone.now()
    session.save(update_fields=["cancelled_at"])

    code = client.get(f"/sessions/{session.pk}/kiosk/code/", HTTP_ACCEPT="application/json")
    page = client.get(f"/sessions/{session.pk}/kiosk/").content.decode()

    assert code.status_code == 409
    assert "This session was cancelled" in code.content.decode()
    assert "This session is cancelled" in page and "data-code-url" not in page


def test_the_queue_offers_time_still_running_for_approval_only_once_it_ends(client):
    session = SessionFactory()  # started half an hour ago, ends in an hour and a half
    running = pending(session, member_of(session, "Ann", "Lee"), minutes=120)
    left_early = pending(session, member_of(session, "Bo", "Ray"), minutes=20)
    client.force_login(coordinator_of(session))

    page = client.get(verify_url(session)).content.decode()

    ends = timezone.localtime(running.checked_out_at)
    assert f"Approve after {ends:%H:%M}" in page
    assert f'value="{running.pk}" form="bulk" id="pick{running.pk}" disabled' in page
    assert page.count('value="approve" class="button">Approve<span') == 1  # Bo's row only
    assert "Approve the one ready" in page
    # Sent anyway (a page drawn before, a crafted form): refused, saying until when.
    response = client.post(
        verify_url(session), {"contribution": running.pk, "decision": "approve"}, follow=True
    )
    said = " ".join(flashed(response))  # "until 16:30", or late in the evening "until Monday…"
    assert "This time runs until " in said and f"{ends:%H:%M}" in said
    client.post(verify_url(session), {"session": session.pk})
    assert dict(Contribution.objects.values_list("pk", "status")) == {
        running.pk: "pending",
        left_early.pk: "approved",
    }


def test_a_session_in_another_year_shows_its_year_in_the_lists(client):
    # "Tue 8 Dec" for this year's and next year's alike: a weekly series looked repeated.
    soon = SessionFactory(starts_at=timezone.now() + datetime.timedelta(days=1))
    next_june = datetime.datetime(timezone.localdate().year + 1, 6, 2, 10, 0)
    next_year = SessionFactory(activity=soon.activity, starts_at=timezone.make_aware(next_june))
    client.force_login(coordinator_of(soon))

    page = client.get(sessions_url(soon)).content.decode()

    local = timezone.localtime(next_year.starts_at)
    assert f"{local:%a} {local.day} {local:%b %Y}" in page
    mine = timezone.localtime(soon.starts_at)
    if mine.year == timezone.localdate().year:
        assert f"{mine:%a} {mine.day} {mine:%b}," in page


def test_ones_own_time_in_the_queue_cannot_be_approved_by_oneself(client):
    session = FinishedSessionFactory()
    coordinator = coordinator_of(session)
    own = pending(session, MemberFactory(programme=session.activity.programme, user=coordinator))
    other = pending(session, member_of(session, "Bo", "Ray"))
    client.force_login(coordinator)

    page = client.get(verify_url(session)).content.decode()

    assert "Your own: someone else approves it" in page
    assert f'value="{own.pk}" form="bulk" id="pick{own.pk}" disabled' in page
    assert "Approve the one ready" in page  # the approve-all button counts Bo only
    client.post(verify_url(session), {"session": session.pk})
    assert dict(Contribution.objects.values_list("pk", "status")) == {
        own.pk: "pending",
        other.pk: "approved",
    }


def test_a_long_queue_is_paged_by_session_oldest_first_and_a_decision_stays_on_its_page(client):
    # 12,000 people waiting made one 26 MB page: a page holds ten whole sessions.
    first = FinishedSessionFactory()
    sessions = [first] + [
        FinishedSessionFactory(activity=first.activity, starts_at=first.starts_at - n * 24 * HOUR)
        for n in range(1, 23)
    ]
    for n, session in enumerate(sessions):
        pending(session, member_of(session, "Member", f"N{n}"))
    oldest_first = sorted(sessions, key=lambda s: s.starts_at)
    url = verify_url(first)
    client.force_login(coordinator_of(first))

    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2, 3)]
    response = client.post(f"{url}?page=2", {"session": oldest_first[12].pk})

    shown = [
        [int(pk) for pk in re.findall(r'<h2 class="list-heading" id="s(\d+)"', p)] for p in pages
    ]
    assert shown == [
        [s.pk for s in oldest_first[:10]],
        [s.pk for s in oldest_first[10:20]],
        [s.pk for s in oldest_first[20:]],
    ]
    assert "23 people’s time waits for a decision." in pages[0]  # noqa: RUF001
    assert f'href="{url}?page=2" rel="next">Newer' in pages[0]
    assert "Page 3 of 3" in pages[2] and 'rel="next"' not in pages[2]
    assert (response.status_code, response["Location"]) == (302, f"{url}?page=2")
    assert Contribution.objects.get(session=oldest_first[12]).status == "approved"
