"""Offline check-in: a phone keeps a scan (token, time scanned, an idempotency key) and sends it
when back online. The code is judged as it stood when scanned, the check-in is recorded at that
moment and flagged synced late, and a replay is still one contribution."""

import datetime
import uuid

import pytest
from django.utils import timezone

from partners.models import StaffMembership
from tests.factories import MemberFactory, SessionFactory, StaffMembershipFactory
from tests.racing import race
from timecredits.activities import tokens
from timecredits.activities.models import Contribution, ContributionEvent
from timecredits.activities.services import checkins
from timecredits.members import passes
from timecredits.pwa.owner import phone_owner

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def poster(session):
    return tokens.poster_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
    )


def kiosk(session, *, at):
    return tokens.kiosk_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at, now=at
    )


def coordinator_of(session):
    return StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user


def send(client, path, body, headers, key=None):
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(path, body, content_type="application/json", headers=headers)


def nothing_written():
    return Contribution.objects.count() == 0 and ContributionEvent.objects.count() == 0


def test_a_scan_sent_late_is_accepted_at_the_time_scanned_and_flagged(client, bearer_for):
    now = timezone.now()
    session = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    scanned_at = (now - 2 * HOUR).replace(microsecond=0)

    response = send(
        client,
        "/api/v1/checkins",
        {"token": kiosk(session, at=scanned_at), "scanned_at": scanned_at.isoformat()},
        bearer_for(member.user),
        key=str(uuid.uuid4()),
    )

    assert response.status_code == 201
    body = response.json()
    assert body["synced_late"] is True
    assert body["status"] == "checked_in"
    assert body["method"] == "kiosk"
    assert datetime.datetime.fromisoformat(body["checked_in_at"]) == scanned_at
    contribution = Contribution.objects.get()
    assert (contribution.member, contribution.checked_in_at) == (member, scanned_at)
    assert contribution.synced_late is True


def test_a_scan_sent_within_the_skew_is_not_flagged(client, bearer_for):
    session = SessionFactory()
    member = MemberFactory(programme=session.activity.programme)
    scanned_at = timezone.now() - datetime.timedelta(seconds=30)

    response = send(
        client,
        "/api/v1/checkins",
        {"token": poster(session), "scanned_at": scanned_at.isoformat()},
        bearer_for(member.user),
        key=str(uuid.uuid4()),
    )

    assert response.status_code == 201
    assert response.json()["synced_late"] is False
    assert Contribution.objects.get().checked_in_at == scanned_at


def test_a_scan_sent_after_its_session_ended_is_checked_out_at_the_end_and_waits(
    client, bearer_for
):
    now = timezone.now()
    session = SessionFactory(starts_at=now - 5 * HOUR, ends_at=now - 3 * HOUR)
    session.activity.organisation.auto_approve_checkins = True
    session.activity.organisation.save()
    member = MemberFactory(programme=session.activity.programme)
    scanned_at = now - 5 * HOUR + datetime.timedelta(minutes=20)

    response = send(
        client,
        "/api/v1/checkins",
        {"token": poster(session), "scanned_at": scanned_at.isoformat()},
        bearer_for(member.user),
        key=str(uuid.uuid4()),
    )

    assert response.status_code == 201
    contribution = Contribution.objects.get()
    assert contribution.status == "pending"  # a person looks at it: never approved on its own
    assert contribution.checked_out_at == session.ends_at
    assert (contribution.synced_late, contribution.auto_checked_out) == (True, True)
    assert contribution.minutes == 105  # 100 minutes stayed, rounded to the quarter hour


def test_replays_with_the_same_key_and_without_it_make_one_contribution(client, bearer_for):
    now = timezone.now()
    session = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    headers = bearer_for(member.user)
    scanned_at = now - 2 * HOUR
    body = {"token": poster(session), "scanned_at": scanned_at.isoformat()}
    key = str(uuid.uuid4())

    first = send(client, "/api/v1/checkins", body, headers, key=key)
    same_key = send(client, "/api/v1/checkins", body, headers, key=key)
    no_key = send(client, "/api/v1/checkins", body, headers)
    other_key = send(client, "/api/v1/checkins", body, headers, key=str(uuid.uuid4()))

    assert [r.status_code for r in (first, same_key, no_key, other_key)] == [201, 200, 200, 200]
    assert {r.json()["id"] for r in (first, same_key, no_key, other_key)} == {first.json()["id"]}
    assert Contribution.objects.count() == 1
    assert ContributionEvent.objects.count() == 1


def test_a_replay_with_its_key_is_found_even_after_the_scan_grew_too_old(client, bearer_for):
    now = timezone.now()
    session = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    headers = bearer_for(member.user)
    key = str(uuid.uuid4())
    first = send(client, "/api/v1/checkins", {"token": poster(session)}, headers, key=key)

    # The phone never heard the answer and sends the scan again, claiming a day and more ago.
    late = send(
        client,
        "/api/v1/checkins",
        {"token": poster(session), "scanned_at": (now - 30 * HOUR).isoformat()},
        headers,
        key=key,
    )

    assert (first.status_code, late.status_code) == (201, 200)
    assert late.json()["id"] == first.json()["id"]
    assert Contribution.objects.count() == 1


def test_the_same_key_for_another_session_is_a_conflict_and_writes_nothing(client, bearer_for):
    session = SessionFactory()
    other = SessionFactory(activity__programme=session.activity.programme)
    member = MemberFactory(programme=session.activity.programme)
    headers = bearer_for(member.user)
    key = str(uuid.uuid4())
    send(client, "/api/v1/checkins", {"token": poster(session)}, headers, key=key)
    client.post("/api/v1/checkouts", headers=headers)
    before = list(Contribution.objects.values_list("pk", "status"))

    response = send(client, "/api/v1/checkins", {"token": poster(other)}, headers, key=key)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert list(Contribution.objects.values_list("pk", "status")) == before


def _bad_scans(session):
    now = timezone.now()
    return {
        "too_old": ("scan_too_old", poster(session), now - 25 * HOUR),
        "future": ("scanned_in_future", poster(session), now + datetime.timedelta(minutes=10)),
        "tampered": ("token_invalid", poster(session)[:-3] + "abc", now - HOUR),
        # A kept scan of a door code shown more than a day ago, whatever the phone's clock says.
        "kiosk_shown_over_a_day_ago": (
            "token_expired",
            kiosk(session, at=now - 25 * HOUR),
            now - HOUR,
        ),
        # Sent at once, a door code that has changed is refused: a photo of it is no use elsewhere.
        "kiosk_changed_sent_at_once": ("token_expired", kiosk(session, at=now - HOUR), now),
    }


BAD_SCANS = [
    "too_old",
    "future",
    "tampered",
    "kiosk_shown_over_a_day_ago",
    "kiosk_changed_sent_at_once",
]


@pytest.mark.parametrize("case", BAD_SCANS)
def test_a_bad_late_scan_is_a_422_and_writes_nothing(client, bearer_for, case):
    now = timezone.now()
    # A long session, so that only the rule under test can refuse the scan.
    session = SessionFactory(starts_at=now - 27 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    code, token, scanned_at = _bad_scans(session)[case]

    response = send(
        client,
        "/api/v1/checkins",
        {"token": token, "scanned_at": scanned_at.isoformat()},
        bearer_for(member.user),
        key=str(uuid.uuid4()),
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], bool(error["message"])) == (code, True)
    assert nothing_written()


def test_a_scanned_at_without_an_offset_is_a_422(client, bearer_for):
    session = SessionFactory()
    member = MemberFactory(programme=session.activity.programme)

    response = send(
        client,
        "/api/v1/checkins",
        {"token": poster(session), "scanned_at": "2026-05-01T10:00:00"},
        bearer_for(member.user),
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert nothing_written()


def test_the_web_session_sends_a_late_scan_with_its_csrf_token(client):
    """What the phone's offline queue does: the session cookie and X-CSRFToken, no bearer."""
    from django.test import Client

    now = timezone.now()
    session = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member.user)
    browser.get("/checkin/")  # any page sets the csrftoken cookie
    csrf = browser.cookies["csrftoken"].value
    body = {"token": poster(session), "scanned_at": (now - HOUR).isoformat()}

    refused = send(browser, "/api/v1/checkins", body, {}, key="k1")
    sent = send(browser, "/api/v1/checkins", body, {"X-CSRFToken": csrf}, key="k1")

    assert refused.status_code == 403
    assert sent.status_code == 201 and sent.json()["synced_late"] is True


def _phone_pass(member, at):
    return passes.pass_token(member_id=member.pk, pass_version=member.pass_version, now=at)


def test_a_door_scan_sent_late_is_accepted_flagged_and_replayed_once(client, bearer_for):
    now = timezone.now()
    session = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    headers = bearer_for(coordinator_of(session))
    scanned_at = now - 2 * HOUR
    body = {"pass_token": _phone_pass(member, scanned_at), "scanned_at": scanned_at.isoformat()}
    path = f"/api/v1/sessions/{session.pk}/pass-checkins"
    key = str(uuid.uuid4())

    first = send(client, path, body, headers, key=key)
    same_key = send(client, path, body, headers, key=key)
    no_key = send(client, path, body, headers)

    assert [r.status_code for r in (first, same_key, no_key)] == [201, 200, 200]
    assert first.json()["synced_late"] is True
    assert first.json()["method"] == "pass"
    assert {r.json()["id"] for r in (first, same_key, no_key)} == {first.json()["id"]}
    contribution = Contribution.objects.get()
    assert (contribution.member, contribution.checked_in_at) == (member, scanned_at)


@pytest.mark.parametrize(
    "case",
    [
        "too_old",
        "future",
        "tampered",
        "phone_pass_shown_over_a_day_ago",
        "phone_pass_changed_sent_at_once",
    ],
)
def test_a_bad_late_door_scan_is_a_422_and_writes_nothing(client, bearer_for, case):
    now = timezone.now()
    session = SessionFactory(starts_at=now - 27 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    card = passes.pass_token(member_id=member.pk, pass_version=member.pass_version)
    code, token, scanned_at = {
        "too_old": ("scan_too_old", card, now - 25 * HOUR),
        "future": ("scanned_in_future", card, now + datetime.timedelta(minutes=10)),
        "tampered": ("token_invalid", card[:-3] + "abc", now - HOUR),
        "phone_pass_shown_over_a_day_ago": (
            "token_expired",
            _phone_pass(member, now - 25 * HOUR),
            now - HOUR,
        ),
        "phone_pass_changed_sent_at_once": ("token_expired", _phone_pass(member, now - HOUR), now),
    }[case]

    response = send(
        client,
        f"/api/v1/sessions/{session.pk}/pass-checkins",
        {"pass_token": token, "scanned_at": scanned_at.isoformat()},
        bearer_for(coordinator_of(session)),
        key=str(uuid.uuid4()),
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert nothing_written()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_late_scan_sent_at_once_from_two_tabs_makes_one_contribution():
    now = timezone.now()
    session = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    token, scanned_at = poster(session), now - 2 * HOUR

    def send_again(key):
        return lambda: checkins.checkin_by_token(
            member=member, token=token, scanned_at=scanned_at, idempotency_key=key
        )

    outcomes = race([send_again("k1"), send_again("k1"), send_again(None), send_again("k2")])

    assert [code for code, _ in outcomes] == ["ok"] * 4
    assert sorted(created for _, (_c, created) in outcomes) == [False, False, False, True]
    assert Contribution.objects.count() == 1
    assert Contribution.objects.get().synced_late is True


def test_a_late_scan_for_a_session_over_stands_beside_a_check_in_made_since(client, bearer_for):
    now = timezone.now()
    morning = SessionFactory(starts_at=now - 5 * HOUR, ends_at=now - 3 * HOUR)
    afternoon = SessionFactory(
        activity__programme=morning.activity.programme, starts_at=now - HOUR, ends_at=now + HOUR
    )
    member = MemberFactory(programme=morning.activity.programme)
    headers = bearer_for(member.user)
    send(client, "/api/v1/checkins", {"token": poster(afternoon)}, headers, key="now")

    late = send(
        client,
        "/api/v1/checkins",
        {"token": poster(morning), "scanned_at": (now - 4 * HOUR).isoformat()},
        headers,
        key="offline",
    )

    assert late.status_code == 201
    assert (late.json()["status"], late.json()["synced_late"]) == ("pending", True)
    statuses = dict(Contribution.objects.values_list("session_id", "status"))
    assert statuses == {morning.pk: "pending", afternoon.pk: "checked_in"}


def test_a_late_scan_for_a_session_still_on_while_checked_in_elsewhere_is_refused(
    client, bearer_for
):
    now = timezone.now()
    first = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    second = SessionFactory(
        activity__programme=first.activity.programme, starts_at=now - HOUR, ends_at=now + HOUR
    )
    member = MemberFactory(programme=first.activity.programme)
    headers = bearer_for(member.user)
    send(client, "/api/v1/checkins", {"token": poster(second)}, headers, key="now")

    late = send(
        client,
        "/api/v1/checkins",
        {"token": poster(first), "scanned_at": (now - 2 * HOUR).isoformat()},
        headers,
        key="offline",
    )

    assert late.status_code == 409
    assert late.json()["error"]["code"] == "checked_in_elsewhere"
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize("signed_in_by", ["token", "session"])
def test_a_scan_sent_for_someone_else_is_refused_and_waits(client, bearer_for, signed_in_by):
    """A scan kept on a shared phone says whose it is (Signed-In-As); sent with another person's
    credentials (a tab left open from before they signed in), it is a 401 and changes nothing,
    and sent by its own member it checks them in."""
    now = timezone.now()
    session = SessionFactory(starts_at=now - HOUR, ends_at=now + HOUR)
    kay, lin = (MemberFactory(programme=session.activity.programme) for _ in range(2))
    if signed_in_by == "token":
        as_lin = bearer_for(lin.user)
    else:
        client.force_login(lin.user)
        as_lin = {}
    body = {"token": poster(session)}

    refused = send(
        client, "/api/v1/checkins", body, {**as_lin, "Signed-In-As": phone_owner(kay.user)}
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "signed_in_as_another")
    assert nothing_written()

    sent = send(client, "/api/v1/checkins", body, {**as_lin, "Signed-In-As": phone_owner(lin.user)})
    assert sent.status_code == 201
    assert list(Contribution.objects.values_list("member", flat=True)) == [lin.pk]


def test_a_scan_may_say_how_long_ago_it_was_made_by_the_phones_own_count(client, bearer_for):
    """`scanned_seconds_ago` needs no right clock on the phone: the server dates the scan by its
    own. Both ways of saying when at once are refused, and nothing is written."""
    now = timezone.now()
    session = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    as_member = bearer_for(member.user)
    body = {"token": poster(session)}

    both = send(
        client,
        "/api/v1/checkins",
        {**body, "scanned_at": now.isoformat(), "scanned_seconds_ago": 60},
        as_member,
    )
    assert (both.status_code, both.json()["error"]["code"]) == (422, "invalid")
    assert nothing_written()

    sent = send(client, "/api/v1/checkins", {**body, "scanned_seconds_ago": 7200}, as_member)
    assert sent.status_code == 201
    contribution = Contribution.objects.get()
    assert abs(contribution.checked_in_at - (now - 2 * HOUR)) < datetime.timedelta(seconds=30)
    assert contribution.synced_late


def _clock_wrong_scan(kind, session, member, code_shown):
    """A kept scan of a changing code whose phone's clock was set an hour forward between the
    scan and the send: it says the scan was an hour and ten minutes ago."""
    said = {"scanned_seconds_ago": 70 * 60}
    if kind == "door code":
        return "/api/v1/checkins", {"token": kiosk(session, at=code_shown), **said}, member.user
    body = {"pass_token": _phone_pass(member, code_shown), **said}
    return f"/api/v1/sessions/{session.pk}/pass-checkins", body, coordinator_of(session)


@pytest.mark.parametrize("kind", ["door code", "phone pass"])
def test_a_kept_scan_whose_phone_clock_disagrees_with_the_code_is_flagged_not_trusted(
    client, bearer_for, kind
):
    now = timezone.now()
    session = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    code_shown = now - datetime.timedelta(minutes=10)
    path, body, sender = _clock_wrong_scan(kind, session, member, code_shown)

    response = send(client, path, body, bearer_for(sender), key=str(uuid.uuid4()))

    assert response.status_code == 201
    assert (response.json()["clock_disagreed"], response.json()["synced_late"]) == (True, True)
    contribution = Contribution.objects.get()
    # Recorded when the code was on screen (the start of its 30 seconds), not when the phone said.
    step_start = code_shown.replace(second=code_shown.second // 30 * 30, microsecond=0)
    assert (contribution.member, contribution.checked_in_at) == (member, step_start)
    assert (contribution.status, contribution.clock_disagreed) == ("checked_in", True)


def test_a_scan_whose_phone_clock_agrees_is_not_flagged(client, bearer_for):
    now = timezone.now()
    session = SessionFactory(starts_at=now - 3 * HOUR, ends_at=now + HOUR)
    member = MemberFactory(programme=session.activity.programme)
    scanned = now - HOUR
    body = {"token": kiosk(session, at=scanned), "scanned_at": scanned.isoformat()}

    response = send(client, "/api/v1/checkins", body, bearer_for(member.user))

    assert response.status_code == 201
    assert (response.json()["clock_disagreed"], response.json()["synced_late"]) == (False, True)
