"""POST /api/v1/auth/token and bearer authentication."""

import threading

import pytest
from django.db import connection
from django.test import Client

from api.models import ApiToken
from tests.clock import moved_clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    # The limits count in fixed windows: on the real clock one could end mid-test.
    return moved_clock(monkeypatch)


URL = "/api/v1/auth/token"


def test_correct_credentials_get_a_token_that_is_stored_only_as_a_digest(
    api_client, user, password
):
    response = api_client.post(
        URL,
        {"username": user.username, "password": password, "name": "my phone"},
        content_type="application/json",
    )

    assert response.status_code == 201
    raw = response.json()["token"]
    assert raw.startswith("tc_")
    token = ApiToken.objects.get()
    assert token.user == user
    assert token.name == "my phone"
    assert raw not in token.digest
    assert response.json()["prefix"] == raw[:10] == token.prefix


def test_the_token_authenticates_me(api_client, user, bearer_for):
    headers = bearer_for(user)

    response = api_client.get("/api/v1/me", headers=headers)

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_wrong_password_is_401_in_the_error_shape_and_issues_nothing(api_client, user):
    response = api_client.post(
        URL, {"username": user.username, "password": "nope"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "invalid_credentials",
            "message": "Wrong username or password.",
            "detail": None,
        }
    }
    assert ApiToken.objects.count() == 0


def test_unknown_user_is_the_same_401(api_client, db):
    response = api_client.post(
        URL, {"username": "nobody", "password": "nope"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_missing_field_is_422_naming_the_field(api_client, user):
    response = api_client.post(URL, {"username": user.username}, content_type="application/json")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert [d["field"] for d in error["detail"]] == ["payload.password"]
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("body", ['{"username": "a", "password":', "not json", "[1, 2"])
def test_malformed_json_is_422(api_client, db, body):
    response = api_client.post(URL, body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "malformed_body"
    assert ApiToken.objects.count() == 0


def test_empty_body_is_422_naming_the_body(api_client, db):
    response = api_client.post(URL, "", content_type="application/json")

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "Some fields are missing or not valid.",
            "detail": [
                {"field": "payload", "message": "This field is required.", "type": "missing"}
            ],
        }
    }
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz"]
)
def test_a_form_instead_of_json_is_422(api_client, user, password, content_type):
    body = f"username={user.username}&password={password}"

    response = api_client.post(URL, body, content_type=content_type)

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "malformed_body",
        "message": "The request body is not valid JSON.",
        "detail": None,
    }
    assert ApiToken.objects.count() == 0


def test_a_body_over_the_upload_limit_is_413_in_the_error_shape(api_client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api_client.post(
        URL, '{"username": "' + "a" * 2000 + '"}', content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "too_large",
        "message": "The request body is too large.",
        "detail": {"max_bytes": 1000},
    }
    assert ApiToken.objects.count() == 0


def test_wrong_types_are_422(api_client, db):
    response = api_client.post(
        URL, {"username": ["a"], "password": 5}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_revoked_token_no_longer_works(api_client, user, bearer_for):
    headers = bearer_for(user)

    revoke = api_client.delete(URL, headers=headers)
    after = api_client.get("/api/v1/me", headers=headers)

    assert revoke.status_code == 204
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "not_authenticated"
    assert ApiToken.objects.get().revoked_at is not None


def test_inactive_users_token_stops_working(api_client, user, bearer_for):
    headers = bearer_for(user)
    user.is_active = False
    user.save()

    assert api_client.get("/api/v1/me", headers=headers).status_code == 401


def test_too_many_attempts_are_429_with_retry_after(api_client, user):
    statuses = [
        api_client.post(
            URL, {"username": user.username, "password": "x"}, content_type="application/json"
        )
        for _ in range(11)
    ]

    assert [r.status_code for r in statuses[:10]] == [401] * 10
    assert statuses[10].status_code == 429
    assert statuses[10].json()["error"]["code"] == "rate_limited"
    assert int(statuses[10]["Retry-After"]) > 0


def test_a_nul_character_is_422_naming_the_field_not_a_database_error(api_client, db):
    response = api_client.post(
        URL, {"username": "a\x00b", "password": "x"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "nul_character",
        "message": "Text cannot contain NUL characters.",
        "detail": [
            {
                "field": "username",
                "message": "Text cannot contain NUL characters.",
                "type": "nul_character",
            }
        ],
    }
    assert ApiToken.objects.count() == 0


def test_a_nul_character_in_a_query_string_is_422(api_client, user, bearer_for):
    response = api_client.get("/api/v1/offers?category=%00", headers=bearer_for(user))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "nul_character"


def _token_attempt(api_client, username, password, **extra):
    return api_client.post(
        URL, {"username": username, "password": password}, content_type="application/json", **extra
    )


def test_a_new_forwarded_for_per_request_is_still_limited_per_account(api_client, user):
    statuses = [
        _token_attempt(api_client, user.username, "x", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n in range(30)
    ]

    assert [r.status_code for r in statuses] == [401] * 10 + [429] * 20
    assert statuses[-1].json()["error"]["code"] == "rate_limited"


def test_a_new_forwarded_for_per_request_is_still_limited_per_address(api_client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    users = [UserFactory() for _ in range(6)]

    statuses = [
        _token_attempt(api_client, u.username, "x", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n, u in enumerate(users)
    ]

    assert [r.status_code for r in statuses] == [401] * 5 + [429]


def test_the_right_password_during_a_lock_out_gets_no_token(api_client, user, password):
    for _ in range(10):
        _token_attempt(api_client, user.username, "x")

    response = _token_attempt(api_client, user.username, password)

    assert response.status_code == 429
    assert response.json() == {
        "error": {
            "code": "rate_limited",
            "message": "Too many wrong passwords. Wait 15 minutes and try again. If you have "
            "forgotten your password, ask your coordinator to set a new one.",
            "detail": {"retry_after": 900},
        }
    }
    assert response["Retry-After"] == "900"
    assert ApiToken.objects.count() == 0


def test_a_room_of_people_on_one_wi_fi_all_get_tokens(api_client, password):
    people = [UserFactory() for _ in range(30)]

    statuses = [_token_attempt(api_client, p.username, password).status_code for p in people]

    assert statuses == [201] * 30
    assert ApiToken.objects.count() == 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_guesses_sent_all_at_once_are_counted_as_they_arrive(user, settings):
    # Counted only after each password was checked, 25 guesses at once had 18 checked against a
    # limit of 10 before the lock took hold.
    start = threading.Barrier(25, timeout=60)
    statuses = []

    def guess():
        start.wait()
        try:
            response = Client().post(
                URL,
                {"username": user.username, "password": "wrong"},
                content_type="application/json",
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    limit = settings.LOGIN_FAILURES_PER_ACCOUNT
    assert sorted(statuses) == [401] * limit + [429] * (25 - limit)
    assert not ApiToken.objects.exists()
