# ruff: noqa: E501 - the permission table is wider than a line, on purpose
"""Every role against every API action, in its own scope and in someone else's.

The table is written out by hand, not derived from timecredits.permissions.MATRIX, so that a
change to the matrix that opens or closes a door shows up here as a failing cell.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ledger.selectors import member_account, programme_account
from ledger.services import transfer_post
from partners.models import Participation, StaffMembership
from tests.credits.conftest import earn
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    StaffMembershipFactory,
    UserFactory,
    fund,
)
from timecredits.programmes.models import ProgrammeRole
from timecredits.reports.models import ProxyValue

ACTIONS = {
    "own_profile": ("get", "/api/v1/members/me", None),
    "own_consents": ("put", "/api/v1/members/me/consents", {"reports": False, "surveys": True}),
    "own_export": ("get", "/api/v1/members/me/export", None),
    "own_credits": ("get", "/api/v1/me/transfers", None),
    "own_notes": ("get", "/api/v1/me/notifications", None),
    "org_edit": ("patch", "/api/v1/organisations/{org}", {"description": "We cook."}),
    "org_staff": ("get", "/api/v1/organisations/{org}/staff", None),
    "org_invite": (
        "post",
        "/api/v1/organisations/{org}/invitations",
        {"email": "new@example.org", "role": "coordinator"},
    ),
    "org_register": (
        "post",
        "/api/v1/organisations/{org}/members",
        {"programme_id": "{programme}", "first_name": "Nell", "terms_agreed": True},
    ),
    "programme_policy": ("patch", "/api/v1/programmes/{programme}", {"rounding_minutes": 30}),
    "programme_review": ("get", "/api/v1/programmes/{programme}/organisations", None),
    "programme_approve": (
        "post",
        "/api/v1/programmes/{programme}/organisations/{pending}/approve",
        None,
    ),
    "programme_allocate": (
        "post",
        "/api/v1/programmes/{programme}/allocations",
        {"organisation_id": "{org}", "credits": 5, "reason": "Budget"},
    ),
    "gift": ("post", "/api/v1/gifts", {"member_code": "{recipient_code}", "minutes": 60}),
    "donate": ("post", "/api/v1/donations", {"minutes": 60}),
    "org_gift": (
        "post",
        "/api/v1/organisations/{org}/gifts",
        {"organisation_id": "{other_org}", "minutes": 60, "reason": "Shared budget"},
    ),
    "statement": ("get", "/api/v1/organisations/{org}/statement", None),
    "statement_csv": ("get", "/api/v1/organisations/{org}/statement.csv", None),
    "expiry_reverse": ("post", "/api/v1/programmes/{programme}/expiries/{expiry}/reverse", None),
    "offer_create": (
        "post",
        "/api/v1/offers",
        {"organisation_id": "{org}", "title": "Swim", "cost_minutes": 60, "category": "leisure"},
    ),
    "org_redemptions": ("get", "/api/v1/organisations/{org}/redemptions?date=today", None),
    "own_redemptions": ("get", "/api/v1/me/redemptions", None),
    "programme_reports": (
        "get",
        "/api/v1/programmes/{programme}/reports/outputs?from=2026-01-01&to=2026-12-31",
        None,
    ),
    "org_reports": (
        "get",
        "/api/v1/organisations/{org}/reports/outputs?from=2026-01-01&to=2026-12-31",
        None,
    ),
    "own_surveys": ("get", "/api/v1/me/surveys/due", None),
    "own_survey_answers": ("get", "/api/v1/me/surveys/responses", None),
    "own_survey_answer": ("post", "/api/v1/me/surveys/baseline/responses", {"answers": {}}),
    "programme_surveys": (
        "put",
        "/api/v1/programmes/{programme}/surveys",
        {"instrument_ids": [], "follow_up_months": [3]},
    ),
    "programme_outcome": (
        "post",
        "/api/v1/programmes/{programme}/outcomes",
        {"name": "Less lonely"},
    ),
    "programme_valuation": (
        "get",
        "/api/v1/programmes/{programme}/reports/valuation?from=2026-01-01&to=2026-12-31",
        None,
    ),
    "programme_proxies": ("get", "/api/v1/programmes/{programme}/proxy-values", None),
    "programme_proxy_add": (
        "post",
        "/api/v1/programmes/{programme}/proxy-values",
        {"name": "An hour (demo)", "basis": "hour", "value": "1.00", "source": "Invented."},
    ),
    "programme_proxy_remove": (
        "delete",
        "/api/v1/programmes/{programme}/proxy-values/{proxy}",
        None,
    ),
    "snapshots": ("get", "/api/v1/programmes/{programme}/reports/snapshots", None),
    "snapshot_ask": (
        "post",
        "/api/v1/programmes/{programme}/reports/snapshots",
        {"month": "2026-01"},
    ),
    "programme_outcomes": (
        "get",
        "/api/v1/programmes/{programme}/reports/outcomes?from=2026-01-01&to=2026-12-31",
        None,
    ),
    "org_outcomes": (
        "get",
        "/api/v1/organisations/{org}/reports/outcomes?from=2026-01-01&to=2026-12-31",
        None,
    ),
    # "upload": a multipart form whose values are files.
    "programme_population": (
        "upload",
        "/api/v1/programmes/{programme}/population",
        {"file": "area,population\nRV1,1000\n"},
    ),
}

# Columns follow ACTIONS. "other_*" rows hold the same role in another organisation or programme.
TABLE = """
                         own_profile own_consents own_export own_credits own_notes org_edit org_staff org_invite org_register programme_policy programme_review programme_approve programme_allocate gift donate org_gift statement statement_csv expiry_reverse offer_create org_redemptions own_redemptions programme_reports org_reports own_surveys own_survey_answers own_survey_answer programme_surveys programme_outcome programme_valuation programme_proxies programme_proxy_add programme_proxy_remove snapshots snapshot_ask programme_outcomes org_outcomes programme_population
member                   200         200          200        200         200       403      403       403        403          403              403              403               403                201  201    403      403       403           403            403          403             200             403               403         200         200                409               403               403               403                 403               403                 403                    403       403  403                403    403
coordinator              403         403          403        404         404       403      403       403        201          403              403              403               403                403  403    403      403       403           403            403          403             403             403               200         403         403                403               403               403               403                 403               403                 403                    403       403  403                200    403
venue_staff              403         403          403        404         404       403      403       403        403          403              403              403               403                403  403    403      200       200           403            201          200             403             403               403         403         403                403               403               403               403                 403               403                 403                    403       403  403                403    403
org_admin                403         403          403        404         404       200      200       201        201          403              403              403               403                403  403    201      200       200           403            201          200             403             403               200         403         403                403               403               403               403                 403               403                 403                    403       403  403                200    403
other_org_admin          403         403          403        404         404       403      403       403        403          403              403              403               403                403  403    403      403       403           403            403          403             403             403               403         403         403                403               403               403               403                 403               403                 403                    403       403  403                403    403
programme_admin          403         403          403        404         404       403      403       403        403          200              200              200               201                403  403    403      403       403           201            403          403             403             200               403         403         403                403               200               201               200                 200               201                 204                    200       202  200                403    200
other_programme_admin    403         403          403        404         404       403      403       403        403          403              403              403               403                403  403    403      403       403           403            403          403             403             403               403         403         403                403               403               403               403                 403               403                 403                    403       403  403                403    403
commissioner             403         403          403        404         404       403      403       403        403          403              403              403               403                403  403    403      403       403           403            403          403             403             200               403         403         403                403               403               403               200                 403               403                 403                    200       403  200                403    403
platform_staff           404         404          404        404         404       200      200       201        201          200              200              200               201                404  404    201      200       200           201            201          200             404             200               200         404         404                404               200               201               200                 200               201                 204                    200       202  200                200    200
anonymous                401         401          401        401         401       401      401       401        401          401              401              401               401                401  401    401      401       401           401            401          401             401             401               401         401         401                401               401               401               401                 401               401                 401                    401       401  401                401    401
"""


def _cells():
    header, *rows = [line.split() for line in TABLE.strip().splitlines()]
    assert header == list(ACTIONS)
    for row in rows:
        role, statuses = row[0], row[1:]
        for action, status in zip(header, statuses, strict=True):
            yield pytest.param(role, action, int(status), id=f"{role}-{action}")


@pytest.fixture
def world(db):
    programme, other_programme = ProgrammeFactory(), ProgrammeFactory()
    organisation, other_organisation, pending = (
        OrganisationFactory(kind="both"),
        OrganisationFactory(),
        OrganisationFactory(),
    )
    Participation.objects.create(programme=programme, organisation=organisation, status="approved")
    Participation.objects.create(
        programme=programme, organisation=other_organisation, status="approved"
    )
    Participation.objects.create(programme=programme, organisation=pending)
    Participation.objects.create(programme=other_programme, organisation=pending)

    def staff(org, role):
        return StaffMembershipFactory(organisation=org, role=role).user

    def programme_role(prog, role):
        return ProgrammeRoleFactory(programme=prog, role=role).user

    users = {
        "member": MemberFactory(programme=programme).user,
        "coordinator": staff(organisation, StaffMembership.Role.COORDINATOR),
        "venue_staff": staff(organisation, StaffMembership.Role.VENUE_STAFF),
        "org_admin": staff(organisation, StaffMembership.Role.ORG_ADMIN),
        "other_org_admin": staff(other_organisation, StaffMembership.Role.ORG_ADMIN),
        "programme_admin": programme_role(programme, ProgrammeRole.Role.ADMIN),
        "other_programme_admin": programme_role(other_programme, ProgrammeRole.Role.ADMIN),
        "commissioner": programme_role(programme, ProgrammeRole.Role.COMMISSIONER),
        "platform_staff": UserFactory(is_staff=True, is_superuser=True),
        "anonymous": None,
    }
    # Credits to give: the member and the organisation hold some, and one member's expired.
    recipient = MemberFactory(programme=programme, code="GFTMEM01")  # never all digits
    earn(users["member"].member, 300)
    earn(recipient, 60)
    fund(organisation, programme)
    expiry = transfer_post(
        debit=member_account(member=recipient),
        credit=programme_account(programme=programme, kind="expiry"),
        amount=60,
        kind="expire",
        idempotency_key="expired",
    )
    ids = {
        "org": organisation.pk,
        "other_org": other_organisation.pk,
        "programme": programme.pk,
        "pending": pending.pk,
        "recipient_code": recipient.code,
        "expiry": expiry.pk,
        "proxy": ProxyValue.objects.create(
            programme=programme,
            name="To remove (demo)",
            basis="hour",
            value=10,
            source="Invented for this test.",
            created_by=users["platform_staff"],
        ).pk,
    }
    return users, ids


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("role", "action", "expected"), list(_cells()))
def test_role_against_action(client, world, role, action, expected):
    users, ids = world
    if users[role] is not None:
        client.force_login(users[role])
    method, path, body = ACTIONS[action]

    if method == "upload":
        files = {k: SimpleUploadedFile(k, v.encode()) for k, v in body.items()}
        response = client.post(_fill(path, ids), files)
    else:
        response = getattr(client, method)(
            _fill(path, ids), _fill(body, ids) if body else None, content_type="application/json"
        )

    assert response.status_code == expected, response.content
    if expected >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "detail"}
        assert (
            error["code"]
            == {401: "not_authenticated", 403: "forbidden", 404: "not_found", 409: "conflict"}[
                expected
            ]
        )
