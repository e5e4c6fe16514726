"""Text at the edges (timecredits.text): no control character comes in through a page or the API,
a name or title is kept on one line, and what leaves (a spreadsheet, an email's subject) holds
neither, even for text kept before these rules."""

import io

import pytest
from django.core import mail
from django.forms.models import model_to_dict
from openpyxl import load_workbook

from ledger.models import Transfer
from partners.models import Organisation
from tests.credits.conftest import expired
from tests.factories import (
    MemberFactory,
    ProgrammeRoleFactory,
    StaffMembershipFactory,
    approved_organisation,
)
from tests.spending.conftest import venue_staff
from timecredits.notifications.services import notify
from timecredits.notifications.tasks import send_owed_emails
from timecredits.reports.exports import report_xlsx
from timecredits.reports.models import ProxyValue
from timecredits.spending.models import Offer
from timecredits.surveys.models import Outcome

pytestmark = pytest.mark.django_db

# A backspace and a start-of-heading: pasted from another program, they broke every spreadsheet
# that named the organisation (openpyxl refuses them) and made calendar files invalid.
CONTROLS = "Riverside Lunch\x08Club\x01"


def _admin_of(organisation):
    return StaffMembershipFactory(organisation=organisation, role="org_admin").user


def _patched(client, body):
    """An organisation's admin PATCHes it with `body`: (the response, whether it is unchanged)."""
    organisation = approved_organisation(name="Lunch club")
    before = model_to_dict(organisation)
    client.force_login(_admin_of(organisation))
    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}", body, content_type="application/json"
    )
    return response, model_to_dict(Organisation.objects.get(pk=organisation.pk)) == before


def test_the_api_refuses_a_control_character_and_changes_nothing(client):
    response, unchanged = _patched(
        client, {"name": CONTROLS, "description": "Tuesdays\nand Thursdays"}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], [d["field"] for d in error["detail"]]) == ("control_character", ["name"])
    assert unchanged


def test_a_page_refuses_a_control_character_at_its_field_and_changes_nothing(client):
    organisation = approved_organisation(name="Lunch club")
    before = model_to_dict(organisation)
    client.force_login(_admin_of(organisation))

    response = client.post(f"/organisations/{organisation.pk}/settings/", {"name": CONTROLS})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_name-error"' in page and "Text cannot contain control characters." in page
    assert model_to_dict(Organisation.objects.get(pk=organisation.pk)) == before


@pytest.mark.parametrize(
    "path, form",
    [
        ("surveys/", {"action": "outcome", "name": CONTROLS}),
        ("surveys/", {"action": "outcome", "name": "Less lonely", "description": CONTROLS}),
        (
            "reports/proxy-values/",
            {"name": "An hour", "basis": "hour", "value": "10", "source": CONTROLS},
        ),
    ],
    ids=["outcome name", "outcome description", "proxy value source"],
)
def test_a_page_that_reads_the_request_itself_refuses_a_control_character(client, path, form):
    """Pages that hand what was posted straight to a service (no form of their own) refuse it
    there, as the API does, and keep nothing."""
    admin = ProgrammeRoleFactory(role="programme_admin")
    client.force_login(admin.user)

    response = client.post(f"/programmes/{admin.programme.pk}/admin/{path}", form, follow=True)

    assert "Text cannot contain control characters." in response.content.decode()
    assert not Outcome.objects.exists() and not ProxyValue.objects.exists()


def test_an_expiry_given_back_with_a_control_character_in_its_reason_is_refused(client):
    member = MemberFactory()
    expiry = expired(member)
    admin = ProgrammeRoleFactory(programme=member.programme, role="programme_admin")
    client.force_login(admin.user)

    response = client.post(
        f"/programmes/{member.programme.pk}/admin/expiries/{expiry.pk}/reverse",
        {"reason": CONTROLS},
    )

    assert response.status_code == 400  # a page refusing its input; the API answers 422
    assert "The reason cannot contain control characters." in response.content.decode()
    assert not Transfer.objects.filter(kind="reverse").exists()


def test_an_offer_title_is_kept_on_one_line(client, venue):
    client.force_login(venue_staff(venue))

    response = client.post(
        "/api/v1/offers",
        {
            "organisation_id": venue.pk,
            "title": "  Swim\nand   sauna ",
            "cost_minutes": 60,
            "category": "leisure",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert Offer.objects.get(pk=response.json()["id"]).title == "Swim and sauna"


def test_an_email_subject_is_one_line_whatever_the_title_held(settings):
    # A title kept before titles were one line (an offer's, say) failed every try to send it.
    member = MemberFactory(user__email="ana@example.org")
    notify(member=member, kind="gift_received", title="Swim\nand sauna: 1 credit spent")

    assert send_owed_emails() == 1

    assert [m.subject for m in mail.outbox] == ["Swim and sauna: 1 credit spent"]


def test_a_spreadsheet_leaves_out_control_characters_kept_before_they_were_refused():
    report = {
        "figures": [{"key": "k", "label": "Hours given", "value": 7, "suppressed": ""}],
        "tables": [],
    }

    book = load_workbook(io.BytesIO(report_xlsx(report, about=[("Organisation", CONTROLS)])))

    assert book["About"]["B2"].value == "Riverside LunchClub"


def test_a_lone_surrogate_in_the_api_is_refused_and_changes_nothing(client):
    # JSON's "\ud800" reads as a string no database can store: a 500 on both.
    response, unchanged = _patched(client, '{"description": "\\ud800"}')

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "control_character"
    assert unchanged


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_page_sent_a_nul_refuses_it_before_any_view_reads_it(client, venue, method):
    # The venue's till read ?code= as sent, and PostgreSQL failed on the NUL as a 500.
    client.force_login(venue_staff(venue))

    response = getattr(client, method)(f"/organisations/{venue.pk}/redeem/", {"code": "AB\x00CD"})

    assert response.status_code == 400
    assert "Text cannot contain NUL characters." in response.content.decode()
