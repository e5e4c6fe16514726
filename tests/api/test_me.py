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
