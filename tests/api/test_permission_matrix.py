# ruff: noqa: E501 - the permission table is wider than a line, on purpose
"""Every API route against every role, in its own scope and in someone else's.

The table is written out by hand, not derived from timecredits.permissions.MATRIX, so that a
change to the matrix that opens or closes a door shows up here as a failing cell. Every route in
the API's OpenAPI document has at least one row (test_every_route_is_in_the_table), so a new
route joins the table before it can ship.

Each cell is the status a role gets: 2xx allowed, or 401/403/404/409 in the one error shape. A
denied request that could write (anything but GET) must also have written nothing at all. A 409
is a role let through to a refusal by the world's own state: the member cannot close their
account while a redemption holds credits, another member has no open check-in to check out of.

The columns: mem, a member of the programme, who owns the world's member objects (an open
check-in, a held redemption); omem, another member of the same programme; coord, venue and
admin, the organisation's coordinator, venue staff and org admin; padm and comm, the programme's
admin and commissioner; a leading "o" is the same role in another organisation or programme
(ocoord, ovenue, oadmin, opadm, ocomm); staff, platform staff; anon, nobody signed in.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from api.tokens import token_issue
from api.v1 import api
from ledger.selectors import member_account, programme_account
from ledger.services import transfer_post
from partners.models import Participation, StaffMembership
from partners.services.organisations import invitation_create
from tests.credits.conftest import earn
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    MemberFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeRoleFactory,
    SessionFactory,
    StaffMembershipFactory,
    UserFactory,
    fund,
)
from timecredits.activities import tokens
from timecredits.activities.services.checkins import attendance_add, checkin_by_token
from timecredits.activities.services.verification import contribution_approve
from timecredits.members import passes
from timecredits.programmes.models import ProgrammeRole
from timecredits.reports.models import ProxyValue
from timecredits.reports.use_cases.snapshots import snapshot_request
from timecredits.spending.services.offers import offer_create
from timecredits.spending.services.redemptions import redemption_create
from timecredits.surveys.models import Outcome
from timecredits.surveys.services import custom_question_add

PERIOD = "from=2026-01-01&to=2026-12-31"


def _png() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(image, format="PNG")
    return image.getvalue()


PNG = _png()

# name: (method, path under /api/v1, JSON body). Braces name the world's objects (see `world`).
# "upload" is a multipart POST whose values are files (text, or an image's bytes). One line a route, as in the table below.
# fmt: off
REQUESTS = {
    # Signing in and out.
    "token_create": ("post", "/auth/token", {"username": "{member_username}", "password": PASSWORD}),
    "token_revoke": ("delete", "/auth/token", None),
    "devices": ("get", "/auth/tokens", None),
    "device_revoke": ("delete", "/auth/tokens/{device}", None),
    "sign_out_everywhere": ("post", "/auth/sign-out-everywhere", None),
    # The caller's own account.
    "me": ("get", "/me", None),
    "me_transfers": ("get", "/me/transfers", None),
    "me_notifications": ("get", "/me/notifications", None),
    "me_notifications_read": ("post", "/me/notifications/read", None),
    "me_email_prefs": ("get", "/me/email-preferences", None),
    "me_email_prefs_set": ("put", "/me/email-preferences", {"kinds": []}),
    "me_surveys_due": ("get", "/me/surveys/due", None),
    "me_survey_answer": ("post", "/me/surveys/{wave}/responses", {"answers": {}}),
    "me_survey_answers": ("get", "/me/surveys/responses", None),
    "sign_up": (
        "post",
        "/members",
        {"programme": "{programme_slug}", "first_name": "Nia", "email": "nia@example.org", "password": "a long enough passphrase", "accept_terms": True},
    ),
    "profile": ("get", "/members/me", None),
    "profile_set": ("put", "/members/me", {"first_name": "Ada", "email": "ada.matrix@example.org"}),
    "consents_set": ("put", "/members/me/consents", {"reports": False, "surveys": True}),
    "demographics_set": ("put", "/members/me/demographics", {"age_band": "prefer_not_to_say"}),
    "export": ("get", "/members/me/export", None),
    "card_replace": ("post", "/members/me/card/replace", None),
    "close": ("post", "/members/me/close", {"confirm": True}),
    # Organisations.
    "orgs": ("get", "/organisations", None),
    "org": ("get", "/organisations/{org}", None),
    "org_pending": ("get", "/organisations/{pending}", None),
    "org_edit": ("patch", "/organisations/{org}", {"description": "We cook."}),
    "org_staff": ("get", "/organisations/{org}/staff", None),
    "org_invite": ("post", "/organisations/{org}/invitations", {"email": "new@example.org", "role": "coordinator"}),
    "org_invitations": ("get", "/organisations/{org}/invitations", None),
    "org_invitation_withdraw": ("delete", "/organisations/{org}/invitations/{invitation_id}", None),
    "org_staff_remove": ("delete", "/organisations/{org}/staff/{coord_role}", None),
    "org_register": ("post", "/organisations/{org}/members", {"programme_id": "{programme}", "first_name": "Nell", "terms_agreed": True}),
    "org_card_replace": ("post", "/organisations/{org}/members/{attendee}/card/replace", None),
    "invitation_accept": ("post", "/invitations/accept", {"token": "{invitation}"}),
    # Programmes.
    "programmes": ("get", "/programmes", None),
    "programme": ("get", "/programmes/{programme}", None),
    "programme_policy": ("patch", "/programmes/{programme}", {"rounding_minutes": 30}),
    "programme_apply": ("post", "/programmes/{programme}/organisations", {"name": "New group", "kind": "group"}),
    "programme_review": ("get", "/programmes/{programme}/organisations", None),
    "programme_approve": ("post", "/programmes/{programme}/organisations/{pending}/approve", None),
    "programme_decline": ("post", "/programmes/{programme}/organisations/{pending}/decline", None),
    "programme_allocate": ("post", "/programmes/{programme}/allocations", {"organisation_id": "{org}", "credits": 5, "reason": "Budget"}),
    "programme_population": ("upload", "/programmes/{programme}/population", {"file": "area,population\nRV1,1000\n"}),
    "surveys": ("get", "/programmes/{programme}/surveys", None),
    "surveys_set": ("put", "/programmes/{programme}/surveys", {"instrument_ids": [], "follow_up_months": [3]}),
    "swemwbs_registration": ("post", "/programmes/{programme}/surveys/swemwbs-registration", {"registered_on": "2026-01-01", "confirm": True}),
    "outcome_add": ("post", "/programmes/{programme}/outcomes", {"name": "Less lonely"}),
    "indicator_add": ("post", "/programmes/{programme}/outcomes/{outcome}/indicators", {"name": "Feels less alone", "question_ids": ["{question}"]}),
    "question_add": ("post", "/programmes/{programme}/surveys/questions", {"key": "matrix", "text": "Did you enjoy it?", "kind": "yes_no"}),
    # Check-ins, claims and attendance.
    "checkin": ("post", "/checkins", {"token": "{poster_token}"}),
    "checkout": ("post", "/checkouts", None),
    "my_contributions": ("get", "/me/contributions", None),
    "claim": ("post", "/contributions/claims", {"session_id": "{past_session}", "start": "{past_start}", "end": "{past_end}"}),
    "pass_checkin": ("post", "/sessions/{session}/pass-checkins", {"pass_token": "{attendee_pass}"}),
    "attendance": ("post", "/sessions/{session}/attendance", {"member_codes": ["{attendee_code}"]}),
    # An unknown code must not tell the denied whether a member exists (permission first).
    "attendance_unknown": ("post", "/sessions/{session}/attendance", {"member_codes": ["NOSUCH99"]}),
    # Activities, sessions and verification.
    "activities": ("get", "/organisations/{org}/activities", None),
    "activity_add": ("post", "/organisations/{org}/activities", {"programme_id": "{programme}", "title": "Litter pick", "type": "formal_volunteering"}),
    "sessions": ("get", "/activities/{activity}/sessions", None),
    "session_add": ("post", "/activities/{activity}/sessions", {"starts_at": "{future_start}", "ends_at": "{future_end}"}),
    "checkin_code": ("get", "/sessions/{session}/checkin-code", None),
    "session_cancel": ("post", "/sessions/{future_session}/cancel", None),
    "session_reinstate": ("post", "/sessions/{future_session}/reinstate", None),
    "contributions": ("get", "/organisations/{org}/contributions?status=pending", None),
    "approve": ("post", "/contributions/{pending_contribution}/approve", {}),
    "reject": ("post", "/contributions/{pending_contribution}/reject", {"reason": "Not seen there"}),
    "unapprove": ("post", "/contributions/{approved_contribution}/unapprove", {"reason": "Approved by mistake"}),
    "approve_all": ("post", "/sessions/{past_session}/approve-all", None),
    "approve_selected": ("post", "/organisations/{org}/contributions/approve", {"contribution_ids": ["{pending_contribution}"]}),
    # Credits.
    "gift": ("post", "/gifts", {"member_code": "{attendee_code}", "minutes": 60}),
    "donate": ("post", "/donations", {"minutes": 60}),
    "org_gift": ("post", "/organisations/{org}/gifts", {"organisation_id": "{other_org}", "minutes": 60, "reason": "Shared budget"}),
    "statement": ("get", "/organisations/{org}/statement", None),
    "statement_csv": ("get", "/organisations/{org}/statement.csv", None),
    "expiries": ("get", "/programmes/{programme}/expiries", None),
    "expiry_reverse": ("post", "/programmes/{programme}/expiries/{expiry}/reverse", None),
    # Offers and redemptions.
    "offers": ("get", "/offers", None),
    "offer_add": ("post", "/offers", {"organisation_id": "{org}", "title": "Swim", "cost_minutes": 60, "category": "leisure"}),
    "offer_edit": ("patch", "/offers/{offer}", {"title": "Swim, and a sauna"}),
    "offer_photo": ("upload", "/offers/{offer}/photo", {"photo": PNG}),
    "redeem": ("post", "/redemptions", {"offer_id": "{offer}"}),
    "my_redemptions": ("get", "/me/redemptions", None),
    "redemption_cancel": ("post", "/redemptions/{redemption_code}/cancel", None),
    "redemption_complete": ("post", "/organisations/{org}/redemptions/{redemption_code}/complete", None),
    "charge": ("post", "/organisations/{org}/charges", {"offer_id": "{offer}", "pass_token": "{member_pass}"}),
    "venue_day": ("get", "/organisations/{org}/redemptions?date=today", None),
    # Reports.
    "programme_outputs": ("get", "/programmes/{programme}/reports/outputs?" + PERIOD, None),
    "org_outputs": ("get", "/organisations/{org}/reports/outputs?" + PERIOD, None),
    "programme_outcomes": ("get", "/programmes/{programme}/reports/outcomes?" + PERIOD, None),
    "org_outcomes": ("get", "/organisations/{org}/reports/outcomes?" + PERIOD, None),
    "valuation": ("get", "/programmes/{programme}/reports/valuation?" + PERIOD, None),
    "proxies": ("get", "/programmes/{programme}/proxy-values", None),
    "proxy_add": ("post", "/programmes/{programme}/proxy-values", {"name": "An hour (demo)", "basis": "hour", "value": "1.00", "source": "Invented."}),
    "proxy_remove": ("delete", "/programmes/{programme}/proxy-values/{proxy}", None),
    "snapshot_ask": ("post", "/programmes/{programme}/reports/snapshots", {"month": "2026-01"}),
    "snapshots": ("get", "/programmes/{programme}/reports/snapshots", None),
    "snapshot": ("get", "/programmes/{programme}/reports/snapshots/{snapshot}", None),
}
# fmt: on

TABLE = """
                      mem  omem coord ocoord venue ovenue admin oadmin padm opadm comm ocomm staff anon
token_create          201  201  201   201    201   201    201   201    201  201   201  201   201   201
token_revoke          401  401  401   401    401   401    401   401    401  401   401  401   401   401
devices               200  200  200   200    200   200    200   200    200  200   200  200   200   401
device_revoke         204  404  404   404    404   404    404   404    404  404   404  404   404   401
sign_out_everywhere   204  204  204   204    204   204    204   204    204  204   204  204   204   401
me                    200  200  200   200    200   200    200   200    200  200   200  200   200   401
me_transfers          200  200  404   404    404   404    404   404    404  404   404  404   404   401
me_notifications      200  200  404   404    404   404    404   404    404  404   404  404   404   401
me_notifications_read 200  200  404   404    404   404    404   404    404  404   404  404   404   401
me_email_prefs        200  200  404   404    404   404    404   404    404  404   404  404   404   401
me_email_prefs_set    200  200  404   404    404   404    404   404    404  404   404  404   404   401
me_surveys_due        200  200  403   403    403   403    403   403    403  403   403  403   404   401
me_survey_answer      409  409  403   403    403   403    403   403    403  403   403  403   404   401
me_survey_answers     200  200  403   403    403   403    403   403    403  403   403  403   404   401
sign_up               201  201  201   201    201   201    201   201    201  201   201  201   201   201
profile               200  200  403   403    403   403    403   403    403  403   403  403   404   401
profile_set           200  200  403   403    403   403    403   403    403  403   403  403   404   401
consents_set          200  200  403   403    403   403    403   403    403  403   403  403   404   401
demographics_set      200  200  403   403    403   403    403   403    403  403   403  403   404   401
export                200  200  403   403    403   403    403   403    403  403   403  403   404   401
card_replace          200  200  403   403    403   403    403   403    403  403   403  403   404   401
close                 409  200  403   403    403   403    403   403    403  403   403  403   404   401
orgs                  200  200  200   200    200   200    200   200    200  200   200  200   200   401
org                   200  200  200   200    200   200    200   200    200  200   200  200   200   401
org_pending           404  404  404   404    404   404    404   404    200  200   404  404   200   401
org_edit              403  403  403   403    403   403    200   403    403  403   403  403   200   401
org_staff             403  403  403   403    403   403    200   403    403  403   403  403   200   401
org_invite            403  403  403   403    403   403    201   403    403  403   403  403   201   401
org_invitations       403  403  403   403    403   403    200   403    403  403   403  403   200   401
org_invitation_withdraw 403 403 403  403    403   403    204   403    403  403   403  403   204   401
org_staff_remove      403  403  403   403    403   403    204   403    403  403   403  403   204   401
org_register          403  403  201   403    403   403    201   403    403  403   403  403   201   401
org_card_replace      403  403  200   403    403   403    200   403    403  403   403  403   200   401
invitation_accept     200  200  200   200    200   200    200   200    200  200   200  200   200   401
programmes            200  200  200   200    200   200    200   200    200  200   200  200   200   401
programme             200  200  200   200    200   200    200   200    200  200   200  200   200   401
programme_policy      403  403  403   403    403   403    403   403    200  403   403  403   200   401
programme_apply       201  201  201   201    201   201    201   201    201  201   201  201   201   401
programme_review      403  403  403   403    403   403    403   403    200  403   403  403   200   401
programme_approve     403  403  403   403    403   403    403   403    200  403   403  403   200   401
programme_decline     403  403  403   403    403   403    403   403    200  403   403  403   200   401
programme_allocate    403  403  403   403    403   403    403   403    201  403   403  403   201   401
programme_population  403  403  403   403    403   403    403   403    200  403   403  403   200   401
surveys               403  403  403   403    403   403    403   403    200  403   403  403   200   401
surveys_set           403  403  403   403    403   403    403   403    200  403   403  403   200   401
swemwbs_registration  403  403  403   403    403   403    403   403    200  403   403  403   200   401
outcome_add           403  403  403   403    403   403    403   403    201  403   403  403   201   401
indicator_add         403  403  403   403    403   403    403   403    201  403   403  403   201   401
question_add          403  403  403   403    403   403    403   403    201  403   403  403   201   401
checkin               200  201  403   403    403   403    403   403    403  403   403  403   404   401
checkout              200  409  403   403    403   403    403   403    403  403   403  403   404   401
my_contributions      200  200  403   403    403   403    403   403    403  403   403  403   404   401
claim                 201  201  403   403    403   403    403   403    403  403   403  403   404   401
pass_checkin          403  403  201   403    403   403    201   403    403  403   403  403   201   401
attendance            403  403  201   403    403   403    201   403    403  403   403  403   201   401
attendance_unknown    403  403  404   403    403   403    404   403    403  403   403  403   404   401
activities            403  403  200   403    403   403    200   403    403  403   403  403   200   401
activity_add          403  403  201   403    403   403    201   403    403  403   403  403   201   401
sessions              403  403  200   403    403   403    200   403    403  403   403  403   200   401
session_add           403  403  201   403    403   403    201   403    403  403   403  403   201   401
checkin_code          403  403  200   403    403   403    200   403    403  403   403  403   200   401
session_cancel        403  403  200   403    403   403    200   403    403  403   403  403   200   401
session_reinstate     403  403  200   403    403   403    200   403    403  403   403  403   200   401
contributions         403  403  200   403    403   403    200   403    403  403   403  403   200   401
approve               403  403  200   403    403   403    200   403    403  403   403  403   200   401
reject                403  403  200   403    403   403    200   403    403  403   403  403   200   401
unapprove             403  403  200   403    403   403    200   403    403  403   403  403   200   401
approve_all           403  403  200   403    403   403    200   403    403  403   403  403   200   401
approve_selected      403  403  200   403    403   403    200   403    403  403   403  403   200   401
gift                  201  201  403   403    403   403    403   403    403  403   403  403   404   401
donate                201  201  403   403    403   403    403   403    403  403   403  403   404   401
org_gift              403  403  403   403    403   403    201   403    403  403   403  403   201   401
statement             403  403  403   403    200   403    200   403    403  403   403  403   200   401
statement_csv         403  403  403   403    200   403    200   403    403  403   403  403   200   401
expiries              403  403  403   403    403   403    403   403    200  403   403  403   200   401
expiry_reverse        403  403  403   403    403   403    403   403    201  403   403  403   201   401
offers                200  200  200   200    200   200    200   200    200  200   200  200   200   401
offer_add             403  403  403   403    201   403    201   403    403  403   403  403   201   401
offer_edit            403  403  403   403    200   403    200   403    403  403   403  403   200   401
offer_photo           403  403  403   403    200   403    200   403    403  403   403  403   200   401
redeem                201  201  403   403    403   403    403   403    403  403   403  403   404   401
my_redemptions        200  200  403   403    403   403    403   403    403  403   403  403   404   401
redemption_cancel     200  404  403   403    403   403    403   403    403  403   403  403   404   401
redemption_complete   403  403  403   403    200   403    200   403    403  403   403  403   200   401
charge                403  403  403   403    201   403    201   403    403  403   403  403   201   401
venue_day             403  403  403   403    200   403    200   403    403  403   403  403   200   401
programme_outputs     403  403  403   403    403   403    403   403    200  403   200  403   200   401
org_outputs           403  403  200   403    403   403    200   403    403  403   403  403   200   401
programme_outcomes    403  403  403   403    403   403    403   403    200  403   200  403   200   401
org_outcomes          403  403  200   403    403   403    200   403    403  403   403  403   200   401
valuation             403  403  403   403    403   403    403   403    200  403   200  403   200   401
proxies               403  403  403   403    403   403    403   403    200  403   403  403   200   401
proxy_add             403  403  403   403    403   403    403   403    201  403   403  403   201   401
proxy_remove          403  403  403   403    403   403    403   403    204  403   403  403   204   401
snapshot_ask          403  403  403   403    403   403    403   403    202  403   403  403   202   401
snapshots             403  403  403   403    403   403    403   403    200  403   200  403   200   401
snapshot              403  403  403   403    403   403    403   403    200  403   200  403   200   401
"""

ERROR_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found", 409: "conflict"}


def _table():
    header, *rows = [line.split() for line in TABLE.strip().splitlines()]
    return header, {row[0]: dict(zip(header, map(int, row[1:]), strict=True)) for row in rows}


ROLES, EXPECTED = _table()


def _cells():
    for action, statuses in EXPECTED.items():
        for role, status in statuses.items():
            yield pytest.param(action, role, status, id=f"{action}-{role}")


def _route(method: str, path: str) -> tuple[str, str]:
    """A route as (METHOD, path with each parameter written {})."""
    path = path.split("?")[0]
    parts = ["{}" if part.startswith("{") else part for part in path.split("/")]
    return ("POST" if method == "upload" else method.upper()), "/".join(parts)


def test_every_route_is_in_the_table():
    """A new route fails here until it has a row: the table is the whole API."""
    schema = api.get_openapi_schema()
    routes = {
        _route(method, path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    tabled = {_route(method, path) for method, path, _ in REQUESTS.values()}

    assert set(EXPECTED) == set(REQUESTS)
    assert routes - tabled == set(), "routes with no row in the permission table"
    assert tabled - routes == set(), "rows for routes the API does not have"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint inside it (as Django's setUpTestData does), so writes never leak."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world():
    now = timezone.now()
    programme, other_programme = ProgrammeFactory(), ProgrammeFactory()
    organisation, other_organisation, pending = (
        OrganisationFactory(kind="both"),
        OrganisationFactory(kind="both"),
        OrganisationFactory(),
    )
    for org in (organisation, other_organisation):
        Participation.objects.create(programme=programme, organisation=org, status="approved")
    Participation.objects.create(programme=programme, organisation=pending)
    Participation.objects.create(programme=other_programme, organisation=pending)
    fund(organisation, programme)

    def staff(org, role):
        return StaffMembershipFactory(organisation=org, role=role).user

    def programme_role(prog, role):
        return ProgrammeRoleFactory(programme=prog, role=role).user

    member, other_member = MemberFactory(programme=programme), MemberFactory(programme=programme)
    attendee = MemberFactory(  # registered at the door; a code never all digits
        programme=programme, code="ATTEND01", registered_by_organisation=organisation
    )
    users = {
        "mem": member.user,
        "omem": other_member.user,
        "coord": staff(organisation, StaffMembership.Role.COORDINATOR),
        "ocoord": staff(other_organisation, StaffMembership.Role.COORDINATOR),
        "venue": staff(organisation, StaffMembership.Role.VENUE_STAFF),
        "ovenue": staff(other_organisation, StaffMembership.Role.VENUE_STAFF),
        "admin": staff(organisation, StaffMembership.Role.ORG_ADMIN),
        "oadmin": staff(other_organisation, StaffMembership.Role.ORG_ADMIN),
        "padm": programme_role(programme, ProgrammeRole.Role.ADMIN),
        "opadm": programme_role(other_programme, ProgrammeRole.Role.ADMIN),
        "comm": programme_role(programme, ProgrammeRole.Role.COMMISSIONER),
        "ocomm": programme_role(other_programme, ProgrammeRole.Role.COMMISSIONER),
        "staff": UserFactory(is_staff=True, is_superuser=True),
        "anon": None,
    }
    for m in (member, other_member, attendee):
        earn(m, 300)

    # Sessions: one running now (the member is checked in), one yesterday with the attendee's
    # pending time, one last week with the attendee's approved time.
    activity = ActivityFactory(programme=programme, organisation=organisation)
    session = SessionFactory(activity=activity)
    yesterday = now - datetime.timedelta(days=1)
    past_session = SessionFactory(activity=activity, starts_at=yesterday)
    old_session = SessionFactory(activity=activity, starts_at=now - datetime.timedelta(days=7))
    future_session = SessionFactory(activity=activity, starts_at=now + datetime.timedelta(days=3))
    poster = tokens.poster_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
    )
    checkin_by_token(member=member, token=poster)
    (pending_contribution,) = attendance_add(
        actor=users["coord"], session=past_session, members=[attendee]
    )
    (approved_contribution,) = attendance_add(
        actor=users["coord"], session=old_session, members=[attendee]
    )
    contribution_approve(actor=users["coord"], contribution=approved_contribution)

    offer = offer_create(
        venue=organisation,
        programmes=[programme],
        title="Cinema",
        cost_minutes=60,
        category="leisure",
    )
    redemption, _ = redemption_create(member=member, offer=offer, idempotency_key="held")
    expiry = transfer_post(
        debit=member_account(member=attendee),
        credit=programme_account(programme=programme, kind="expiry"),
        amount=60,
        kind="expire",
        idempotency_key="expired",
    )
    invited, invitation = invitation_create(
        actor=users["admin"],
        organisation=organisation,
        email="invited@example.org",
        role="coordinator",
    )
    snapshot, _ = snapshot_request(actor=users["padm"], programme_id=programme.pk, month="2025-12")
    device, _raw = token_issue(
        request=None, username=member.user.username, password=PASSWORD, name="Phone"
    )
    ids = {
        "member_username": member.user.username,
        "device": device.pk,
        "programme": programme.pk,
        "programme_slug": programme.slug,
        "org": organisation.pk,
        "other_org": other_organisation.pk,
        "pending": pending.pk,
        "invitation": invitation,
        "invitation_id": invited.pk,
        "coord_role": users["coord"].staff_memberships.get().pk,
        "wave": "baseline",
        "question": custom_question_add(
            actor=users["padm"],
            programme=programme,
            key="helped",
            text="Did it help?",
            kind="yes_no",
        ).pk,
        "outcome": Outcome.objects.create(programme=programme, name="Wellbeing").pk,
        "activity": activity.pk,
        "session": session.pk,
        "past_session": past_session.pk,
        "future_session": future_session.pk,
        "past_start": (past_session.starts_at + datetime.timedelta(minutes=15)).isoformat(),
        "past_end": (past_session.starts_at + datetime.timedelta(minutes=75)).isoformat(),
        "future_start": (now + datetime.timedelta(days=3)).isoformat(),
        "future_end": (now + datetime.timedelta(days=3, hours=2)).isoformat(),
        "poster_token": poster,
        "attendee": attendee.pk,
        "attendee_code": attendee.code,
        "attendee_pass": passes.pass_token(
            member_id=attendee.pk, pass_version=attendee.pass_version
        ),
        "member_pass": passes.pass_token(member_id=member.pk, pass_version=member.pass_version),
        "pending_contribution": pending_contribution.pk,
        "approved_contribution": approved_contribution.pk,
        "offer": offer.pk,
        "redemption_code": redemption.code,
        "expiry": expiry.pk,
        "proxy": ProxyValue.objects.create(
            programme=programme,
            name="To remove (demo)",
            basis="hour",
            value=10,
            source="Invented for this test.",
            created_by=users["staff"],
        ).pk,
        "snapshot": snapshot.pk,
    }
    return users, ids


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _changes() -> int:
    """Rows inserted, updated or deleted so far on this connection (in this transaction on
    PostgreSQL): one cheap query that sees a write to any table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_all_tables"
            )
        else:
            cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


@pytest.mark.parametrize(("action", "role", "expected"), list(_cells()))
def test_role_against_action(client, db, world, action, role, expected):
    users, ids = world
    if users[role] is not None:
        client.force_login(users[role])
    method, path, body = REQUESTS[action]
    url = "/api/v1" + _fill(path, ids)
    headers = {"Idempotency-Key": f"matrix-{action}-{role}"}
    before = _changes()

    if method == "upload":
        files = {
            k: SimpleUploadedFile(k, v if isinstance(v, bytes) else v.encode())
            for k, v in body.items()
        }
        response = client.post(url, files, headers=headers)
    else:
        data = _fill(body, ids) if body is not None else None
        response = getattr(client, method)(
            url, data, content_type="application/json", headers=headers
        )

    assert response.status_code == expected, response.content
    if expected >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "detail"}
        if expected in (401, 403):
            assert error["code"] == ERROR_CODES[expected]
        if method != "get":
            assert _changes() == before, "a denied request wrote to the database"


def test_the_write_check_sees_a_write_and_nothing_else(db):
    """The guard on denied requests is only as good as _changes: it must move on a write."""
    quiet = _changes()
    assert _changes() == quiet
    UserFactory()
    assert _changes() > quiet
