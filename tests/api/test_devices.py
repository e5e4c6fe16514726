"""A person sees the devices (bearer tokens) signed in as them and signs any of them out; nobody
else can see or sign out theirs. Through the API and on the page."""

from datetime import datetime

import pytest
from django.utils import timezone

from api.models import ApiToken
from tests.factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

DEVICES = "/api/v1/auth/tokens"


def _at(text):
    return datetime.fromisoformat(text)


def _ms(moment):
    """As the API writes it: to the millisecond."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _issue(api_client, user, name):
    response = api_client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD, "name": name},
        content_type="application/json",
    )
    body = response.json()
    return ApiToken.objects.get(prefix=body["prefix"]), {"Authorization": f"Bearer {body['token']}"}


def test_a_member_lists_their_devices(api_client):
    member = MemberFactory()
    phone, phone_headers = _issue(api_client, member.user, "Ffion's phone")
    tablet, _ = _issue(api_client, member.user, "Tablet")
    revoked, _ = _issue(api_client, member.user, "Old phone")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _issue(api_client, UserFactory(), "Someone else's phone")

    response = api_client.get(DEVICES, headers=phone_headers)

    assert response.status_code == 200
    listed = response.json()
    assert [{k: d[k] for k in ("id", "name", "prefix", "current")} for d in listed] == [
        {"id": tablet.pk, "name": "Tablet", "prefix": tablet.prefix, "current": False},
        {"id": phone.pk, "name": "Ffion's phone", "prefix": phone.prefix, "current": True},
    ]
    assert listed[0]["last_used_at"] is None  # never used since issue
    assert listed[1]["last_used_at"] is not None  # in use by this very request
    assert [_at(d["created_at"]) for d in listed] == [
        _ms(tablet.created_at),
        _ms(phone.created_at),
    ]


def test_a_member_signs_one_device_out_and_the_others_keep_working(api_client):
    member = MemberFactory()
    phone, phone_headers = _issue(api_client, member.user, "Phone")
    lost, lost_headers = _issue(api_client, member.user, "Lost phone")

    response = api_client.delete(f"{DEVICES}/{lost.pk}", headers=phone_headers)

    assert response.status_code == 204
    assert api_client.get("/api/v1/me", headers=lost_headers).status_code == 401
    assert api_client.get("/api/v1/me", headers=phone_headers).status_code == 200
    assert [d["id"] for d in api_client.get(DEVICES, headers=phone_headers).json()] == [phone.pk]


def test_nobody_else_sees_or_signs_out_my_device(api_client):
    mine, my_headers = _issue(api_client, MemberFactory().user, "Phone")
    _theirs, their_headers = _issue(api_client, MemberFactory().user, "Phone")

    listed = api_client.get(DEVICES, headers=their_headers).json()
    response = api_client.delete(f"{DEVICES}/{mine.pk}", headers=their_headers)

    assert mine.pk not in [d["id"] for d in listed]
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "device_not_found"
    mine.refresh_from_db()
    assert mine.revoked_at is None
    assert api_client.get("/api/v1/me", headers=my_headers).status_code == 200


def test_the_devices_page_lists_and_signs_out(client, api_client):
    member = MemberFactory()
    lost, lost_headers = _issue(api_client, member.user, "Lost phone")
    api_client.get("/api/v1/me", headers=lost_headers)
    lost.refresh_from_db()
    client.force_login(member.user)

    page = client.get("/me/devices/")
    response = client.post(f"/me/devices/{lost.pk}/sign-out/", follow=True)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Lost phone" in html
    assert lost.prefix in html
    # When, in the reader's words (Django's "0 minutes ago" had no Welsh).
    used = timezone.localtime(lost.last_used_at)
    assert f"Last used on {used:%a} {used.day} {used:%b}" in html and f"at {used:%H:%M}" in html
    assert response.redirect_chain == [("/me/devices/", 302)]
    assert "That device is signed out." in response.content.decode()
    assert "Lost phone" not in response.content.decode()
    assert api_client.get("/api/v1/me", headers=lost_headers).status_code == 401


def test_the_devices_page_shows_only_mine_and_refuses_anyone_elses(client, api_client):
    theirs, their_headers = _issue(api_client, MemberFactory().user, "Their phone")
    client.force_login(MemberFactory().user)

    page = client.get("/me/devices/")
    response = client.post(f"/me/devices/{theirs.pk}/sign-out/")

    assert "Their phone" not in page.content.decode()
    assert response.status_code == 404
    assert api_client.get("/api/v1/me", headers=their_headers).status_code == 200
