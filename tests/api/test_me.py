"""GET /api/v1/me with a bearer token or the web session."""

import pytest

from partners.models import StaffMembership
from tests.factories import MemberFactory, ProgrammeRoleFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_sees_themself(api_client, bearer_for):
    member = MemberFactory(user__first_name="Amira", user__last_name="Hassan")

    response = api_client.get("/api/v1/me", headers=bearer_for(member.user))

    assert response.status_code == 200
    assert response.json() == {
        "id": member.user.pk,
        "username": member.user.username,
        "name": "Amira Hassan",
        "email": member.user.email,
        "member_id": member.pk,
        "roles": [
            {
                "role": "member",
                "label": "Member",
                "scope": "platform",
                "scope_id": None,
                "scope_name": "",
            }
        ],
    }


def test_staff_roles_are_listed_with_their_scope(api_client, bearer_for):
    staff = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)
    programme_role = ProgrammeRoleFactory(user=staff.user)

    response = api_client.get("/api/v1/me", headers=bearer_for(staff.user))

    roles = response.json()["roles"]
    assert [(r["role"], r["scope"], r["scope_id"]) for r in roles] == [
        ("commissioner", "programme", programme_role.programme_id),
        ("coordinator", "organisation", staff.organisation_id),
    ]
    assert response.json()["member_id"] is None


def test_the_web_session_also_authenticates(api_client, password):
    user = UserFactory()
    api_client.login(username=user.username, password=password)

    response = api_client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == user.username


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer tc_forged"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["none", "forged", "wrong-scheme"],
)
def test_anyone_else_gets_401_in_the_error_shape(api_client, headers):
    response = api_client.get("/api/v1/me", headers=headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert set(response.json()["error"]) == {"code", "message", "detail"}


def test_unknown_api_path_is_404_in_the_error_shape(api_client):
    response = api_client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "There is no such API endpoint.", "detail": None}
    }


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_the_api_root_without_its_slash_is_404_in_the_error_shape(
    api_client, settings, method, debug
):
    """Not a redirect to the slash, nor under DEBUG a 500 for a write Django cannot redirect."""
    settings.DEBUG = debug

    response = getattr(api_client, method)("/api/v1", {}, content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "There is no such API endpoint.", "detail": None}
    }


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("post", "/api/v1/gifts/", 404, "not_found"),  # a trailing slash no route has
        ("delete", "/api/v1/no-such-thing", 404, "not_found"),
        ("get", "/api/v1/", 404, "not_found"),
    ],
)
def test_a_path_or_method_no_endpoint_has_answers_in_the_error_shape_even_with_a_token(
    api_client, bearer_for, method, path, status, code
):
    """Not Django's HTML: a CSRF refusal for a write, its 404 page, its 405."""
    headers = bearer_for(MemberFactory().user)

    response = getattr(api_client, method)(path, headers=headers)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == code
    assert set(response.json()["error"]) == {"code", "message", "detail"}


def test_a_failure_before_any_endpoint_answers_in_the_error_shape(api_client, monkeypatch):
    """The database down when the session is read: a 500 in the error shape, not a page."""
    from django.contrib.sessions.middleware import SessionMiddleware

    def down(self, request):
        raise ConnectionError("the database is down")

    monkeypatch.setattr(SessionMiddleware, "process_request", down)
    api_client.raise_request_exception = False

    response = api_client.get("/api/v1/me")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"


def test_a_401_names_the_scheme_to_authenticate_with(api_client):
    response = api_client.get("/api/v1/me", headers={"Authorization": "Bearer forged"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_method_the_endpoint_lacks_is_405_in_the_error_shape(api_client):
    response = api_client.delete("/api/v1/me")

    assert response.status_code == 405
    assert response.json() == {
        "error": {
            "code": "method_not_allowed",
            "message": "This endpoint does not accept DELETE.",
            "detail": {"allowed": ["GET"]},
        }
    }
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("status", ["PENDING", "bogus"])
def test_a_list_filter_with_no_such_status_is_refused_not_answered_empty(
    api_client, bearer_for, status
):
    staff = StaffMembershipFactory(role=StaffMembership.Role.COORDINATOR)
    headers = bearer_for(staff.user)
    listed = f"/api/v1/organisations/{staff.organisation_id}/contributions"

    response = api_client.get(f"{listed}?status={status}", headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["detail"][0]["field"] == "status"
    assert api_client.get(f"{listed}?status=pending", headers=headers).status_code == 200
