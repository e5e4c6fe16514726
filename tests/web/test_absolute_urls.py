"""Links that leave the site (QR codes, emails, API outputs) are on the address the request came
to, unless SITE_URL says otherwise, so a code printed under any host or port points back at it.
QR codes are decoded with a real decoder (zxing-cpp)."""

import io
import re
from urllib.parse import urlparse

import pytest
import zxingcpp
from django.core import mail
from PIL import Image

from partners.models import StaffMembership
from tests.factories import (
    ContributionFactory,
    MemberFactory,
    OrganisationFactory,
    SessionFactory,
    StaffMembershipFactory,
)
from timecredits.activities.models import Contribution

pytestmark = pytest.mark.django_db

HOST = "127.0.0.1:8101"


def decode_png(content: bytes) -> str:
    (result,) = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(content)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    return result.text


def coordinator_of(session):
    return StaffMembershipFactory(
        organisation=session.activity.organisation, role=StaffMembership.Role.COORDINATOR
    ).user


@pytest.fixture
def no_site_url(settings):
    settings.SITE_URL = ""


def test_the_poster_qr_and_link_are_on_the_port_the_request_came_to(client, no_site_url):
    session = SessionFactory()
    client.force_login(coordinator_of(session))

    url = decode_png(client.get(f"/sessions/{session.pk}/poster.png", HTTP_HOST=HOST).content)
    page = client.get(f"/sessions/{session.pk}/poster/", HTTP_HOST=HOST).content.decode()

    assert urlparse(url)[:2] == ("http", HOST)
    assert urlparse(url).path.startswith("/c/")
    # The page's link is made on its own request (signed at its own second), on the same host.
    link = re.search(r'<a href="([^"]+/c/[^"]+)"', page)[1]
    assert urlparse(link)[:2] == ("http", HOST)
    # and the code works: a member following it on that host checks in
    client.force_login(MemberFactory(programme=session.activity.programme).user)
    client.post(urlparse(url).path, HTTP_HOST=HOST)
    assert Contribution.objects.filter(session=session).count() == 1


def test_the_kiosk_qr_is_on_the_host_the_request_came_to(client, no_site_url):
    session = SessionFactory()
    client.force_login(coordinator_of(session))

    url = decode_png(
        client.get(f"/sessions/{session.pk}/kiosk.png", HTTP_HOST="localhost:9000").content
    )

    assert url.startswith("http://localhost:9000/c/")


def test_site_url_when_set_wins_over_the_request(client, settings):
    settings.SITE_URL = "https://credits.example/"
    session = SessionFactory()
    client.force_login(coordinator_of(session))

    url = decode_png(client.get(f"/sessions/{session.pk}/poster.png", HTTP_HOST=HOST).content)

    assert url.startswith("https://credits.example/c/")


def test_a_member_card_in_the_api_is_on_the_request_host(client, no_site_url, bearer_for):
    member = MemberFactory()

    response = client.post(
        "/api/v1/members/me/card/replace", headers=bearer_for(member.user), HTTP_HOST=HOST
    )

    assert response.status_code == 200, response.content
    assert response.json()["pass_url"].startswith(f"http://{HOST}/p/")


def test_an_invitation_sent_by_the_worker_links_to_the_host_it_was_made_on(
    client, no_site_url, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    admin = StaffMembershipFactory(organisation=organisation, role=StaffMembership.Role.ORG_ADMIN)
    client.force_login(admin.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/organisations/{organisation.pk}/",
            {"form": "invite", "email": "new@example.org", "role": "coordinator"},
            HTTP_HOST=HOST,
        )

    (email,) = mail.outbox
    assert re.search(rf"http://{re.escape(HOST)}/invitations/\S+", email.body), email.body


def test_a_notification_written_in_a_request_emails_a_link_on_its_host(
    client, no_site_url, django_capture_on_commit_callbacks
):
    member = MemberFactory(user__email="ana@example.org")
    contribution = ContributionFactory(member=member, session__activity__programme=member.programme)
    client.force_login(coordinator_of(contribution.session))
    organisation_id = contribution.session.activity.organisation_id

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/organisations/{organisation_id}/verify/",
            {"contribution": contribution.pk, "decision": "approve", "minutes": 60},
            HTTP_HOST=HOST,
        )

    (email,) = mail.outbox
    assert f"http://{HOST}/me/credits/" in email.body


def test_without_a_request_or_site_url_an_email_leaves_the_link_out(
    no_site_url, django_capture_on_commit_callbacks
):
    from timecredits.notifications.services import Message, notify_many

    member = MemberFactory(user__email="ana@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        notify_many(
            messages=[
                Message(member=member, kind="credits_earned", title="Hi", body="Body", url="/me/")
            ]
        )

    (email,) = mail.outbox
    assert email.body == "Body"
