"""Check-ins through the API: a code served by the app, decoded for real, followed by a member."""

import datetime
import io
from urllib.parse import urlparse

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image

from partners.models import StaffMembership
from tests.factories import MemberFactory, SessionFactory, StaffMembershipFactory
from timecredits.activities import tokens
from timecredits.activities.errors import SessionNotOpen
from timecredits.activities.models import Contribution
from timecredits.members import passes

pytestmark = pytest.mark.django_db


def decode_png(content: bytes) -> str:
    # QR only: a QR's modules sometimes also read as a short ITF barcode.
    (result,) = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(content)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    return result.text


def coordinator_of(session):
    return StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user


def token_of(url: str) -> str:
    path = urlparse(url).path
    assert path.startswith("/c/")
    return path.removeprefix("/c/")


def test_a_served_poster_qr_decodes_to_a_url_that_checks_a_member_in(client, settings):
    settings.SITE_URL = "https://timecredits.example.org"
    session = SessionFactory()
    client.force_login(coordinator_of(session))
    url = decode_png(client.get(f"/sessions/{session.pk}/poster.png").content)
    member = MemberFactory(programme=session.activity.programme)
    client.force_login(member.user)

    assert url.startswith("https://timecredits.example.org/c/")
    confirm = client.get(urlparse(url).path)
    checked_in = client.post(urlparse(url).path, follow=True)

    assert confirm.status_code == 200
    assert session.activity.title in confirm.content.decode()
    assert "You are checked in" in checked_in.content.decode()
    contribution = Contribution.objects.get()
    assert (contribution.member, contribution.session, contribution.method) == (
        member,
        session,
        "poster",
    )


def test_a_signed_out_member_signs_in_and_lands_back_on_the_checkin(client, password):
    session = SessionFactory()
    member = MemberFactory(programme=session.activity.programme)
    token = tokens.poster_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
    )
    path = f"/c/{token}"

    landing = client.get(path)
    assert landing.status_code == 200
    assert "Sign in or join to check in at" in landing.content.decode()
    back = client.post(
        "/sign-in/", {"username": member.user.username, "password": password, "next": path}
    )

    assert back["Location"] == path
    client.post(back["Location"])
    assert Contribution.objects.filter(member=member, session=session).exists()


def test_a_served_kiosk_qr_checks_in_through_the_api(client, bearer_for):
    session = SessionFactory()
    client.force_login(coordinator_of(session))
    token = token_of(decode_png(client.get(f"/sessions/{session.pk}/kiosk.png").content))
    client.logout()
    member = MemberFactory(programme=session.activity.programme)
    headers = bearer_for(member.user)

    first = client.post(
        "/api/v1/checkins", {"token": token}, content_type="application/json", headers=headers
    )
    again = client.post(
        "/api/v1/checkins", {"token": token}, content_type="application/json", headers=headers
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["method"] == "kiosk"
    assert first.json()["id"] == again.json()["id"]


def _refusal_tokens(session, other):
    now = timezone.now()
    return {
        "forged": (
            "token_invalid",
            tokens.poster_token(
                session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
            )[:-3]
            + "abc",
            None,
        ),
        "expired": (
            "token_expired",
            tokens.kiosk_token(
                session_id=session.pk,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                now=now - datetime.timedelta(seconds=90),
            ),
            None,
        ),
        "other_session": (
            "wrong_session",
            tokens.poster_token(
                session_id=other.pk, starts_at=other.starts_at, ends_at=other.ends_at
            ),
            session.pk,
        ),
        "too_late": (
            "session_over",
            tokens.poster_token(
                session_id=session.pk,
                starts_at=now - datetime.timedelta(hours=5),
                ends_at=now - datetime.timedelta(hours=3),
            ),
            None,
        ),
        "too_early": (
            "session_not_open",
            tokens.poster_token(
                session_id=session.pk,
                starts_at=now + datetime.timedelta(hours=3),
                ends_at=now + datetime.timedelta(hours=5),
            ),
            None,
        ),
    }


@pytest.mark.parametrize("case", ["forged", "expired", "other_session", "too_late", "too_early"])
def test_bad_tokens_get_a_clear_422_and_create_nothing(client, bearer_for, case):
    session = SessionFactory()
    other = SessionFactory(activity__programme=session.activity.programme)
    member = MemberFactory(programme=session.activity.programme)
    code, token, session_id = _refusal_tokens(session, other)[case]

    response = client.post(
        "/api/v1/checkins",
        {"token": token, "session_id": session_id},
        content_type="application/json",
        headers=bearer_for(member.user),
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert Contribution.objects.count() == 0


def test_too_early_says_when_check_in_opens(monkeypatch):
    # It said only that check-in had not opened yet, so a volunteer could not tell how long to
    # wait. The time alone today; the day too otherwise.
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 3, 7))
    today = timezone.make_aware(datetime.datetime(2026, 3, 7, 9, 45))
    monday = timezone.make_aware(datetime.datetime(2026, 3, 9, 10, 0))

    assert SessionNotOpen.at(today).message == "Check-in for this session opens at 09:45."
    assert SessionNotOpen.at(monday).message == (
        "Check-in for this session opens on Monday 9 March at 10:00."
    )


@pytest.mark.parametrize("case", ["forged", "expired", "too_late"])
def test_bad_tokens_on_the_web_explain_and_create_nothing(client, case):
    session = SessionFactory()
    other = SessionFactory(activity__programme=session.activity.programme)
    client.force_login(MemberFactory(programme=session.activity.programme).user)
    _code, token, _ = _refusal_tokens(session, other)[case]

    response = client.post(f"/c/{token}")

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Contribution.objects.count() == 0


def test_checkout_through_the_api(client, bearer_for):
    session = SessionFactory()
    member = MemberFactory(programme=session.activity.programme)
    headers = bearer_for(member.user)
    token = tokens.poster_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
    )
    client.post(
        "/api/v1/checkins", {"token": token}, content_type="application/json", headers=headers
    )

    out = client.post("/api/v1/checkouts", headers=headers)
    again = client.post("/api/v1/checkouts", headers=headers)

    assert out.status_code == 200 and out.json()["status"] == "pending"
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_checked_in"


def test_a_coordinator_scans_a_phone_pass_through_the_api(client, bearer_for):
    session = SessionFactory()
    member = MemberFactory(programme=session.activity.programme)
    client.force_login(member.user)
    pass_page = client.get("/me/pass/").content.decode()
    assert 'http-equiv="refresh"' not in pass_page and 'data-code-url="/me/pass/code/"' in pass_page
    pass_token = passes.pass_token(
        member_id=member.pk, pass_version=member.pass_version, now=timezone.now()
    )
    headers = bearer_for(coordinator_of(session))

    response = client.post(
        f"/api/v1/sessions/{session.pk}/pass-checkins",
        {"pass_token": pass_token},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 201
    assert response.json()["method"] == "pass"


def test_a_door_scan_names_the_member_for_the_coordinator(client, bearer_for):
    session = SessionFactory()
    member = MemberFactory(programme=session.activity.programme)
    member.user.first_name, member.user.last_name = "Nell", "Price"
    member.user.save()
    pass_token = passes.pass_token(member_id=member.pk, pass_version=member.pass_version)
    headers = bearer_for(coordinator_of(session))
    path = f"/api/v1/sessions/{session.pk}/pass-checkins"

    first = client.post(
        path, {"pass_token": pass_token}, content_type="application/json", headers=headers
    )
    again = client.post(
        path, {"pass_token": pass_token}, content_type="application/json", headers=headers
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert (first.json()["member_name"], first.json()["member_code"]) == ("Nell Price", member.code)
    assert again.json()["id"] == first.json()["id"]
    assert Contribution.objects.filter(session=session).count() == 1


def test_attendance_by_member_codes(client, bearer_for):
    session = SessionFactory()
    members = [MemberFactory(programme=session.activity.programme) for _ in range(2)]

    response = client.post(
        f"/api/v1/sessions/{session.pk}/attendance",
        {"member_codes": [m.code.lower() for m in members] + ["NOPE1234"]},
        content_type="application/json",
        headers=bearer_for(coordinator_of(session)),
    )
    assert response.status_code == 404
    assert response.json()["error"]["detail"] == {"member_codes": ["NOPE1234"]}
    assert Contribution.objects.count() == 0

    response = client.post(
        f"/api/v1/sessions/{session.pk}/attendance",
        {"member_codes": [m.code for m in members]},
        content_type="application/json",
        headers=bearer_for(coordinator_of(session)),
    )
    assert response.status_code == 201
    assert [c["status"] for c in response.json()] == ["pending", "pending"]


def test_a_claim_without_a_utc_offset_is_422_and_creates_nothing(client, bearer_for):
    session = SessionFactory(
        starts_at=timezone.now() - datetime.timedelta(days=1),
        ends_at=timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(hours=2),
    )
    member = MemberFactory(programme=session.activity.programme)

    response = client.post(
        "/api/v1/contributions/claims",
        {"session_id": session.pk, "start": "2026-05-01T10:00", "end": "2026-05-01T11:00"},
        content_type="application/json",
        headers=bearer_for(member.user),
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert not Contribution.objects.filter(member=member).exists()


def test_attendance_at_a_cancelled_session_is_a_409_in_the_api(client, bearer_for):
    session = SessionFactory(cancelled_at=timezone.now())
    member = MemberFactory(programme=session.activity.programme)

    response = client.post(
        f"/api/v1/sessions/{session.pk}/attendance",
        {"member_codes": [member.code]},
        content_type="application/json",
        headers=bearer_for(coordinator_of(session)),
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_cancelled"
    assert Contribution.objects.count() == 0
