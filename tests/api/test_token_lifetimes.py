"""Bearer tokens expire when idle and with age, die with a password change or a sign-out
everywhere, and a request with a bad one is always a 401, never a CSRF 403."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def _age(headers, *, created_days_ago, used_days_ago=None):
    """Make the token as old, and as long unused, as a test needs."""
    now = timezone.now()
    prefix = headers["Authorization"].removeprefix("Bearer ")[:10]
    ApiToken.objects.filter(prefix=prefix).update(
        created_at=now - timedelta(days=created_days_ago),
        last_used_at=None if used_days_ago is None else now - timedelta(days=used_days_ago),
    )


def _refused(response):
    return response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("created", "used", "works"),
    [
        (31, 29, True),  # used within the idle lifetime
        (31, 31, False),  # idle past it
        (400, 400, False),  # the finding: unused for 400 days
        (29, None, True),  # never used, issued within the idle lifetime
        (31, None, False),  # never used since it was issued, past it
        (179, 1, True),  # in daily use, younger than the absolute lifetime
        (181, 1, False),  # in daily use, older than the absolute lifetime
    ],
)
def test_a_token_expires_when_idle_and_with_age(api_client, user, bearer_for, created, used, works):
    headers = bearer_for(user)
    _age(headers, created_days_ago=created, used_days_ago=used)

    response = api_client.get(ME, headers=headers)

    assert (response.status_code == 200) is works
    assert works or _refused(response)


def test_the_lifetimes_are_settings(api_client, user, bearer_for, settings):
    settings.API_TOKEN_IDLE_DAYS = 2
    headers = bearer_for(user)
    _age(headers, created_days_ago=3, used_days_ago=3)

    assert _refused(api_client.get(ME, headers=headers))


def test_changing_the_password_on_the_page_ends_every_token_but_this_session(
    client, api_client, bearer_for, password
):
    member = MemberFactory()
    phone, tablet = bearer_for(member.user), bearer_for(member.user)
    client.force_login(member.user)

    response = client.post(
        "/me/password/",
        {
            "old_password": password,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )

    assert response.status_code == 302
    assert _refused(api_client.get(ME, headers=phone))
    assert _refused(api_client.get(ME, headers=tablet))
    assert client.get("/me/").status_code == 200  # Django keeps the session that changed it


def test_a_wrong_old_password_changes_nothing(client, api_client, bearer_for):
    member = MemberFactory()
    phone = bearer_for(member.user)
    client.force_login(member.user)

    response = client.post(
        "/me/password/",
        {"old_password": "wrong", "new_password1": "a brand new pass", "new_password2": "a b"},
    )

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert api_client.get(ME, headers=phone).status_code == 200


def test_guessing_the_old_password_on_the_page_is_limited(client, password):
    member = MemberFactory()
    client.force_login(member.user)
    form = {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}

    statuses = [
        client.post("/me/password/", {**form, "old_password": f"guess {n}"}).status_code
        for n in range(10)
    ]
    right = client.post("/me/password/", {**form, "old_password": password})

    assert statuses == [200] * 10
    assert right.status_code == 429
    member.user.refresh_from_db()
    assert member.user.check_password(password)


def test_an_admin_setting_a_password_ends_that_persons_tokens(client, api_client, bearer_for):
    person = UserFactory()
    phone = bearer_for(person)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        f"/admin/members/user/{person.pk}/password/",
        {"password1": "set by the admin 1", "password2": "set by the admin 1"},
    )

    assert response.status_code == 302
    assert _refused(api_client.get(ME, headers=phone))


def test_any_other_password_change_ends_the_tokens_too(api_client, user, bearer_for):
    """A reset, the shell, a future page: whatever calls set_password."""
    phone = bearer_for(user)

    user.set_password("changed some other way")
    user.save()

    assert _refused(api_client.get(ME, headers=phone))


def test_sign_out_everywhere_from_the_api_ends_every_token_and_web_session(
    client, api_client, bearer_for, password
):
    member = MemberFactory()
    phone, tablet = bearer_for(member.user), bearer_for(member.user)
    client.force_login(member.user)
    assert client.get("/me/").status_code == 200

    response = api_client.post("/api/v1/auth/sign-out-everywhere", headers=phone)

    assert response.status_code == 204
    assert _refused(api_client.get(ME, headers=phone))
    assert _refused(api_client.get(ME, headers=tablet))
    assert client.get("/me/")["Location"].startswith("/sign-in/")
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    # Signing in again works: nothing is locked for good.
    assert api_client.get(ME, headers=bearer_for(member.user)).status_code == 200


def test_sign_out_everywhere_on_the_page_ends_every_token_and_session(
    client, api_client, bearer_for
):
    member = MemberFactory()
    phone = bearer_for(member.user)
    laptop = Client()
    laptop.force_login(member.user)
    client.force_login(member.user)

    response = client.post("/me/sign-out-everywhere/")

    assert response.status_code == 302
    assert _refused(api_client.get(ME, headers=phone))
    assert laptop.get("/me/")["Location"].startswith("/sign-in/")
    assert "_auth_user_id" not in client.session
    other = bearer_for(UserFactory())
    assert api_client.get(ME, headers=other).status_code == 200  # only this person's


@pytest.mark.parametrize(
    ("method", "path"), [("get", ME), ("post", "/api/v1/me/notifications/read")]
)
def test_a_revoked_token_is_401_not_a_csrf_403(user, bearer_for, method, path):
    headers = bearer_for(user)
    phone = Client(enforce_csrf_checks=True)
    assert phone.delete("/api/v1/auth/token", headers=headers).status_code == 204

    response = getattr(phone, method)(path, headers=headers)

    assert _refused(response)


def test_a_bad_token_is_judged_alone_even_with_a_signed_in_session(user, bearer_for):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    get = browser.get(ME, headers={"Authorization": "Bearer tc_not-a-real-token"})
    post = browser.post(
        "/api/v1/me/notifications/read", headers={"Authorization": "Bearer tc_not-a-real-token"}
    )

    assert _refused(get)
    assert _refused(post)
    assert browser.get(ME).status_code == 200  # the session alone still works


def test_a_session_post_without_csrf_is_still_refused(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.post("/api/v1/me/notifications/read")

    assert response.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer\ttc_tabbed"}],
)
def test_a_write_with_no_credentials_is_401_not_a_csrf_403(headers):
    phone = Client(enforce_csrf_checks=True)

    response = phone.post("/api/v1/gifts", {}, content_type="application/json", headers=headers)

    assert _refused(response)
