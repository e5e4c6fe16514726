"""Password guessing on the sign-in page and the admin's is throttled per account and address."""

import pytest
from django.test import Client, RequestFactory

from tests.clock import moved_clock
from tests.factories import MemberFactory, UserFactory
from timecredits.members.throttle import DEVICE_COOKIE
from timecredits.ratelimit import client_address, client_network

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    # Every test here counts within one window: on the real clock a window could end mid-test.
    return moved_clock(monkeypatch)


LOCKED = "Too many wrong passwords. Wait 15 minutes and try again."


def _sign_in(client, username, password, address="198.51.100.7", **extra):
    return client.post(
        "/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused_until_cool_off(
    client, password, clock
):
    member = MemberFactory()
    username = member.user.username

    wrong = [_sign_in(client, username, f"guess {n}") for n in range(30)]
    right_during = _sign_in(client, username, password)

    assert [r.status_code for r in wrong] == [200] * 10 + [429] * 20
    assert "That username or email address and password do not match an account." in (
        wrong[9].content.decode()
    )
    page = wrong[10].content.decode()
    assert 'role="alert"' in page
    assert LOCKED in page
    assert "ask your coordinator to set a new one" in page
    assert right_during.status_code == 429
    assert LOCKED in right_during.content.decode()
    assert "_auth_user_id" not in client.session

    clock.advance(14 * 60)
    assert _sign_in(client, username, password).status_code == 429
    assert "Wait 1 minute and try again" in _sign_in(client, username, password).content.decode()

    clock.advance(61)
    after = _sign_in(client, username, password)
    assert after.status_code == 302
    assert client.session["_auth_user_id"] == str(member.user.pk)


def test_guesses_from_elsewhere_do_not_lock_the_owner_out_on_a_phone_they_signed_in_on(
    client, password
):
    member = MemberFactory()
    username = member.user.username
    own_phone = Client()
    assert _sign_in(own_phone, username, password).status_code == 302
    own_phone.post("/sign-out/")
    guesses = [_sign_in(client, username, f"guess {n}", "203.0.113.9") for n in range(12)]

    on_own_phone = _sign_in(own_phone, username, password)
    on_a_new_phone = _sign_in(Client(), username, password, "192.0.2.44")

    assert guesses[-1].status_code == 429
    assert on_own_phone.status_code == 302
    assert on_a_new_phone.status_code == 429
    assert LOCKED in on_a_new_phone.content.decode()


def test_a_cookie_from_another_account_or_not_signed_by_us_is_no_known_device(client, password):
    member, other = MemberFactory(), MemberFactory()
    elsewhere = Client()
    assert _sign_in(elsewhere, other.user.username, password).status_code == 302
    elsewhere.post("/sign-out/")
    for n in range(10):
        _sign_in(client, member.user.username, f"guess {n}", "203.0.113.9")
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = str(member.user.pk)

    assert _sign_in(elsewhere, member.user.username, password).status_code == 429
    assert _sign_in(forged, member.user.username, password).status_code == 429


def test_username_email_and_phone_share_one_count(client, password):
    user = UserFactory(email="ffion@example.org", phone="+447700900123")

    for identifier in ["ffion@example.org", user.username, "07700 900123"] * 4:
        _sign_in(client, identifier, "wrong")
    locked = _sign_in(client, user.username, password)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_so_others_on_the_same_address_still_sign_in(client, password):
    victim, neighbour = MemberFactory(), MemberFactory()
    for _ in range(10):
        _sign_in(client, victim.user.username, "wrong")

    response = _sign_in(client, neighbour.user.username, password)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(neighbour.user.pk)


def test_one_address_guessing_at_many_accounts_is_locked_out(client, password, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    accounts = [MemberFactory() for _ in range(6)]
    statuses = [_sign_in(client, m.user.username, "wrong").status_code for m in accounts[:5]]

    from_there = _sign_in(client, accounts[5].user.username, password)
    elsewhere = _sign_in(client, accounts[5].user.username, password, address="203.0.113.9")

    assert statuses == [200] * 5
    assert from_there.status_code == 429
    assert elsewhere.status_code == 302


def test_a_forged_forwarded_for_does_not_reset_the_address_count(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    settings.TRUSTED_PROXY_COUNT = 1
    accounts = [MemberFactory() for _ in range(6)]

    statuses = [
        _sign_in(
            client,
            m.user.username,
            "wrong",
            address="10.0.0.2",  # our proxy
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7",
        ).status_code
        for n, m in enumerate(accounts)
    ]

    assert statuses == [200] * 5 + [429]


def test_the_admin_login_is_throttled_and_refuses_the_right_password(client, password):
    staff = UserFactory(is_staff=True, is_superuser=True)

    wrong = [
        client.post(
            "/admin/login/",
            {"username": staff.username, "password": f"guess {n}"},
            REMOTE_ADDR="198.51.100.7",
        )
        for n in range(20)
    ]
    right = client.post(
        "/admin/login/",
        {"username": staff.username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="198.51.100.7",
    )

    assert [LOCKED in r.content.decode() for r in wrong] == [False] * 10 + [True] * 10
    assert right.status_code == 200
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_login_works_with_the_right_password_before_any_lock(client, password):
    staff = UserFactory(is_staff=True, is_superuser=True)

    response = client.post(
        "/admin/login/", {"username": staff.username, "password": password, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1, 192.0.2.2", "10.0.0.2"),
        (1, "192.0.2.1, 192.0.2.2", "192.0.2.2"),
        (2, "192.0.2.1, 192.0.2.2, 192.0.2.3", "192.0.2.2"),
        (2, "192.0.2.3", "10.0.0.2"),  # fewer entries than proxies: it skipped ours
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_joining_on_the_web_is_limited_per_address_and_says_so(client, settings):
    from tests.factories import ProgrammeFactory
    from tests.web.test_member_pages import _join_form
    from timecredits.members.models import Member

    settings.SIGNUPS_PER_ADDRESS_PER_HOUR = 2
    ProgrammeFactory()
    for n in range(2):
        client.post("/join/", _join_form(email=f"carys{n}@example.org"))
        client.logout()

    refused = client.post("/join/", _join_form(email="carys9@example.org"))

    assert refused.status_code == 429
    assert "Too many attempts. Please wait a moment and try again." in refused.content.decode()
    assert Member.objects.count() == 2


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
    ],
)
def test_an_ipv6_client_is_counted_by_its_64(address, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=address)

    assert client_network(request) == expected


def test_stepping_through_an_ipv6_64_does_not_escape_the_address_limit(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    accounts = [MemberFactory() for _ in range(6)]

    statuses = [
        _sign_in(client, m.user.username, "wrong", address=f"2001:db8:1:2::{n + 1:x}").status_code
        for n, m in enumerate(accounts)
    ]

    assert statuses == [200] * 5 + [429]
