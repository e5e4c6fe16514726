"""Input the API once answered with a 500 page, or accepted when it should not: each is now a 4xx
in the one error shape, and nothing changes."""

import typing

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from ninja.params.models import BodyModel
from pydantic import BaseModel

from api.schemas import InputSchema
from ledger.models import Transfer
from partners.models import Organisation, StaffMembership
from tests.credits.conftest import balance
from tests.factories import (
    ActivityFactory,
    StaffMembershipFactory,
)
from timecredits.activities.models import Session

pytestmark = pytest.mark.django_db

SESSION = {"starts_at": "2026-05-01T10:00+01:00", "ends_at": "2026-05-01T12:00+01:00"}


def _error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"error"}
    assert set(response.json()["error"]) == {"code", "message", "detail"}
    return response.json()["error"]


def _fields(error):
    return sorted(d["field"] for d in error["detail"])


@pytest.fixture
def coordinator_and_activity():
    activity = ActivityFactory()
    coordinator = StaffMembershipFactory(organisation=activity.organisation).user
    return coordinator, activity


@pytest.fixture
def post_session(client, coordinator_and_activity):
    """POST a session's JSON to the activity's sessions, as its coordinator."""
    coordinator, activity = coordinator_and_activity
    client.force_login(coordinator)

    def post(body):
        return client.post(
            f"/api/v1/activities/{activity.pk}/sessions", body, content_type="application/json"
        )

    return post


@pytest.fixture
def org_admin_and_organisation():
    admin = StaffMembershipFactory(role=StaffMembership.Role.ORG_ADMIN)
    return admin.user, admin.organisation


@pytest.mark.parametrize(
    ("offset", "code"),
    [("9223372036854775808", "number_out_of_range"), ("1000001", "invalid"), ("-1", "invalid")],
)
def test_an_offset_out_of_range_is_422(client, member, offset, code):
    client.force_login(member.user)

    error = _error(client.get(f"/api/v1/offers?offset={offset}"), 422)

    assert (error["code"], _fields(error)) == (code, ["offset"])


@pytest.mark.parametrize(
    "number",
    [
        "9223372036854775808",
        "-9223372036854775809",
        "9" * 5000,
        "9223372036854775808.0",
        "9_223_372_036_854_775_808",
    ],
)
def test_a_query_number_no_column_holds_is_422_on_sqlite_too(client, member, number):
    # SQLite cannot bind it, so the query failed as a 500.
    client.force_login(member.user)

    error = _error(client.get(f"/api/v1/offers?organisation_id={number}"), 422)

    assert (error["code"], _fields(error)) == ("number_out_of_range", ["organisation_id"])


def test_a_query_number_a_column_holds_is_taken(client, member):
    client.force_login(member.user)

    assert client.get("/api/v1/offers?organisation_id=9223372036854775807").json()["items"] == []


@pytest.mark.parametrize(
    "query", ["from=9999-12-01&to=9999-12-31", "from=1999-12-01&to=2000-01-31"]
)
def test_report_dates_outside_the_calendar_are_422(client, query):
    from tests.factories import ProgrammeRoleFactory

    commissioner = ProgrammeRoleFactory(role="commissioner")
    client.force_login(commissioner.user)
    programme = commissioner.programme_id

    for report in ("outputs", "outcomes", "valuation"):
        error = _error(client.get(f"/api/v1/programmes/{programme}/reports/{report}?{query}"), 422)
        assert error["message"] == "Use a date from 2000 to 2099."


def test_a_venue_day_outside_the_calendar_is_422(client):
    venue = StaffMembershipFactory(role=StaffMembership.Role.VENUE_STAFF)
    venue.organisation.kind = "venue"
    venue.organisation.save()
    client.force_login(venue.user)

    path = f"/api/v1/organisations/{venue.organisation_id}/redemptions?date=9999-12-31"
    error = _error(client.get(path), 422)

    assert _fields(error) == ["date"]


@pytest.mark.parametrize(
    "field",
    ["name", "contact_email", "website", "area", "contact_phone", "description", "address"],
)
def test_patching_an_organisation_field_to_null_is_422_and_changes_nothing(
    client, org_admin_and_organisation, field
):
    admin, organisation = org_admin_and_organisation
    before = model_to_dict(organisation)
    client.force_login(admin)

    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}", {field: None}, content_type="application/json"
    )

    error = _error(response, 422)
    assert (error["code"], _fields(error)) == ("invalid", [f"payload.{field}"])
    assert model_to_dict(Organisation.objects.get(pk=organisation.pk)) == before


@pytest.mark.parametrize("body", ["42", "[]", '"name"', "null"])
def test_a_body_that_is_not_an_object_is_422_and_changes_nothing(
    client, org_admin_and_organisation, body
):
    admin, organisation = org_admin_and_organisation
    before = model_to_dict(organisation)
    client.force_login(admin)

    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}", body, content_type="application/json"
    )

    assert _error(response, 422)["code"] == "body_not_object"
    assert model_to_dict(Organisation.objects.get(pk=organisation.pk)) == before


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"starts_at": "0001-01-01T00:00Z", "ends_at": "9999-12-31T23:59Z"}, "ends_at starts_at"),
        ({"starts_at": "1999-12-31T10:00Z"}, "starts_at"),
        ({"ends_at": "2100-01-01T00:00Z"}, "ends_at"),
        # In 2100 in UTC, as it is kept; and beyond the calendar itself there.
        ({"ends_at": "2099-12-31T23:00-12:00"}, "ends_at"),
        ({"starts_at": "0001-01-01T00:00+01:00"}, "starts_at"),
        ({"ends_at": "9999-12-31T23:00-12:00"}, "ends_at"),
        ({"capacity": 2**62}, "capacity"),
        ({"capacity": "10"}, "capacity"),
        ({"repeat_count": 2**62}, "repeat_count"),
        ({"starts_at": "2026-05-01T10:00"}, "starts_at"),
    ],
)
def test_a_session_out_of_range_is_422_and_creates_nothing(post_session, changes, fields):
    response = post_session(SESSION | changes)

    error = _error(response, 422)
    assert (error["code"], _fields(error)) == ("invalid", [f"payload.{f}" for f in fields.split()])
    assert Session.objects.count() == 0


def test_a_capacity_of_2_to_the_63_is_422_and_creates_nothing(post_session):
    response = post_session(SESSION | {"capacity": 2**63})

    error = _error(response, 422)
    assert (error["code"], _fields(error)) == ("number_out_of_range", ["capacity"])
    assert Session.objects.count() == 0


def test_a_seventeen_year_session_is_422_and_creates_nothing(post_session):
    response = post_session({"starts_at": "2020-01-01T10:00Z", "ends_at": "2037-01-01T10:00Z"})

    error = _error(response, 422)
    assert error["code"] == "invalid"
    assert error["detail"] == [
        {
            "field": "ends_at",
            "message": "A session lasts at most 24 hours.",
            "type": "session_too_long",
        }
    ]
    assert Session.objects.count() == 0


def test_a_session_of_24_hours_is_the_longest_allowed(post_session):
    response = post_session(
        {"starts_at": "2026-05-01T10:00+01:00", "ends_at": "2026-05-02T10:00+01:00"}
    )

    assert response.status_code == 201, response.content
    assert [(s["starts_at"], s["ends_at"]) for s in response.json()] == [
        ("2026-05-01T10:00:00+01:00", "2026-05-02T10:00:00+01:00")
    ]


@pytest.mark.parametrize("minutes", [True, "60", 60.0, None])
def test_a_gift_of_minutes_that_are_not_an_integer_is_422_and_moves_nothing(client, pair, minutes):
    giver, recipient = pair
    client.force_login(giver.user)

    response = client.post(
        "/api/v1/gifts",
        {"member_code": recipient.code, "minutes": minutes},
        content_type="application/json",
    )

    error = _error(response, 422)
    assert (error["code"], _fields(error)) == ("invalid", ["payload.minutes"])
    assert (balance(giver), balance(recipient)) == (300, 0)
    assert not Transfer.objects.filter(kind="gift").exists()


def test_a_nul_in_a_path_parameter_is_422(client, member):
    client.force_login(member.user)

    response = client.post("/api/v1/redemptions/AB%00CD/cancel")

    error = _error(response, 422)
    assert (error["code"], _fields(error)) == ("nul_character", ["path"])


def test_a_nul_in_a_header_is_422_and_moves_nothing(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)

    response = client.post(
        "/api/v1/gifts",
        {"member_code": recipient.code, "minutes": 60},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="a\x00b",
    )

    error = _error(response, 422)
    assert (error["code"], _fields(error)) == ("nul_character", ["Idempotency-Key"])
    assert (balance(giver), balance(recipient)) == (300, 0)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('{"member_code": "RECIPIENT", "minutes": 18446744073709551616}', "number_out_of_range"),
        ('{"member_code": "RECIPIENT", "minutes": NaN}', "malformed_body"),
        ('{"member_code": "RECIPIENT", "minutes": Infinity}', "malformed_body"),
    ],
)
def test_numbers_json_cannot_hold_are_422_and_move_nothing(client, pair, body, code):
    giver, recipient = pair
    client.force_login(giver.user)

    response = client.post(
        "/api/v1/gifts",
        body.replace("RECIPIENT", recipient.code),
        content_type="application/json",
    )

    assert _error(response, 422)["code"] == code
    assert (balance(giver), balance(recipient)) == (300, 0)


def test_every_request_body_schema_is_strict():
    from api.v1 import api

    bodies = {
        model.model_fields[name].annotation
        for router in api._get_bound_routers()
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        for model in operation.models
        if issubclass(model, BodyModel)
        for name in model.model_fields
    }
    classes = {
        arg
        for body in bodies
        for arg in (typing.get_args(body) or (body,))
        if isinstance(arg, type) and issubclass(arg, BaseModel)
    }
    # TokenIn (the token endpoint's, text only) is left to its own module.
    loose = sorted(c.__name__ for c in classes if not issubclass(c, InputSchema))

    assert len(classes) > 30
    assert loose == ["TokenIn"]


# Django decodes the octal escape in a quoted cookie into a real NUL, before any view runs.
NUL_SESSION_COOKIE = 'sessionid="abcdefgh\\000x"'


def test_a_nul_in_a_cookie_is_422_on_the_api():
    response = Client().get("/api/v1/me", HTTP_COOKIE=NUL_SESSION_COOKIE)

    error = _error(response, 422)
    assert (error["code"], _fields(error)) == ("nul_character", ["cookie.sessionid"])


def test_a_page_reads_a_cookie_with_a_nul_as_absent():
    response = Client().get("/", HTTP_COOKIE=NUL_SESSION_COOKIE)

    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous


def test_a_malformed_upload_is_400_in_the_error_shape(client):
    venue = StaffMembershipFactory(role=StaffMembership.Role.VENUE_STAFF)
    client.force_login(venue.user)

    response = client.generic(
        "POST",
        "/api/v1/offers/1/photo",
        b"xx",
        content_type="multipart/form-data",
    )

    assert _error(response, 400)["code"] == "bad_request"


def test_an_idempotency_key_too_long_for_the_ledger_is_refused_as_the_header(client, pair):
    giver, recipient = pair
    client.force_login(giver.user)
    before = balance(giver)

    response = client.post(
        "/api/v1/gifts",
        {"member_code": recipient.code, "minutes": 30},
        content_type="application/json",
        headers={"Idempotency-Key": "k" * 195},
    )

    error = _error(response, 422)
    assert _fields(error) == ["header.Idempotency-Key"]
    assert balance(giver) == before
