"""The member's scan page (/scan/) without JavaScript: the address typed or pasted under a QR
code opens this site's page for it, and nothing else; and the venue's till shows who and what a
scanned redemption code or pass names before anything is completed."""

from urllib.parse import quote

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from partners.models import Organisation
from tests.factories import approved_organisation
from tests.spending.conftest import funded_member, make_offer, venue_staff
from timecredits.members.passes import pass_token
from timecredits.spending.models import Redemption
from timecredits.spending.services.redemptions import redemption_cancel, redemption_create

TOKEN = "eyJzIjoxfQ:1abc:SIGNED"


@pytest.fixture
def signed_in_member(client, member):
    client.force_login(member.user)
    return member


def test_the_scan_page_has_the_scanner_and_its_typed_fallback(client, signed_in_member):
    page = client.get("/scan/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-scanner data-mode="member"' in html
    assert 'name="code"' in html and 'action="/scan/"' in html
    assert "js/scanner.js" in html and "js/offline-queue.js" in html


@pytest.mark.parametrize(
    "typed, path",
    [
        (f"http://testserver/c/{TOKEN}", f"/c/{TOKEN}"),
        (f"  testserver/c/{TOKEN}  ", f"/c/{TOKEN}"),
        (f"/p/{TOKEN}", f"/p/{TOKEN}"),
        (f"http://testserver/r/{TOKEN}/", f"/r/{TOKEN}"),
    ],
)
def test_a_typed_address_of_this_site_opens_its_page(client, signed_in_member, typed, path):
    answer = client.get("/scan/", {"code": typed})

    assert answer.status_code == 302
    assert answer["Location"] == path


@pytest.mark.parametrize(
    "typed, message",
    [
        (f"https://elsewhere.example/c/{TOKEN}", "another website (elsewhere.example)"),
        (f"elsewhere.example/c/{TOKEN}", "another website (elsewhere.example)"),
        ("http://testserver/me/close/", "not a code from this site"),
        ("http://testserver/c/", "not a code from this site"),
        ("K7M2QX", "not a code from this site"),
        # Words are no address: they were called another website ("hellothere").
        ("hello there", "not a code from this site"),
        ("", "Paste the web address the QR code holds"),
    ],
)
def test_anything_else_is_refused_on_the_page_and_not_opened(
    client, signed_in_member, typed, message
):
    answer = client.get("/scan/", {"code": typed})

    html = answer.content.decode()
    assert answer.status_code == 400
    assert message in html
    assert 'aria-invalid="true"' in html
    # Said first, under the heading, where a phone's screen shows it, and linked to the field.
    summary = html.index('<div class="error-summary" role="alert"')
    assert summary < html.index("data-scanner ")
    assert message in html[summary : html.index("</div>", summary)]
    assert 'href="#scanner-code"' in html[summary:]


def test_signed_out_the_scan_page_asks_to_sign_in_first(client, db):
    answer = client.get("/scan/")

    assert answer.status_code == 302
    assert answer["Location"].startswith("/sign-in/?next=/scan/")


def _held(member, offer) -> Redemption:
    redemption, _created = redemption_create(member=member, offer=offer, idempotency_key="scan")
    return redemption


def test_a_scanned_code_shows_who_and_what_above_the_complete_button(client, venue, programme):
    member = funded_member(programme)
    member.user.first_name, member.user.last_name = "Ada", "Lovelace"
    member.user.save()
    redemption = _held(member, make_offer(venue, title="Swim", cost_minutes=90))
    client.force_login(venue_staff(venue))

    page = client.get(f"/organisations/{venue.pk}/redeem/", {"code": redemption.code.lower()})

    html = page.content.decode()
    preview = html[html.index("data-redemption-preview") : html.index("</section>")]
    assert page.status_code == 200
    assert "Swim" in preview and "Ada Lovelace" in preview and member.code in preview
    assert "1.5" in preview and "Check, then complete" in preview
    assert html.index("data-redemption-preview") < html.index('value="code"')
    assert Redemption.objects.get().status == "held"


def test_a_cancelled_code_is_shown_as_unusable(client, venue, programme):
    member = funded_member(programme)
    redemption = _held(member, make_offer(venue, title="Swim"))
    redemption_cancel(member=member, code=redemption.code)
    client.force_login(venue_staff(venue))

    page = client.get(f"/organisations/{venue.pk}/redeem/", {"code": redemption.code})

    assert "This code cannot be used" in page.content.decode()
    assert "Cancelled" in page.content.decode()


def test_another_venues_code_shows_nothing_of_it(client, venue, programme):
    other = approved_organisation(programme, kind=Organisation.Kind.VENUE, name="Arts Hub")
    redemption = _held(funded_member(programme), make_offer(other, title="Pottery"))
    client.force_login(venue_staff(venue))

    page = client.get(f"/organisations/{venue.pk}/redeem/", {"code": redemption.code})

    html = page.content.decode()
    assert "data-redemption-preview" not in html and "Pottery" not in html
    assert "not one for this venue" in html


def test_a_scanned_pass_names_the_member_above_the_charge_form(client, venue, programme):
    member = funded_member(programme)
    member.user.first_name, member.user.last_name = "Ada", "Lovelace"
    member.user.save()
    make_offer(venue, title="Swim")
    client.force_login(venue_staff(venue))
    token = pass_token(member_id=member.pk, pass_version=member.pass_version, now=timezone.now())

    page = client.get(f"/organisations/{venue.pk}/redeem/?pass={quote(token)}")
    refused = client.get(f"/organisations/{venue.pk}/redeem/?pass=forged")

    html = page.content.decode()
    assert "data-pass-preview" in html and "Ada Lovelace" in html
    assert html.index("data-pass-preview") < html.index('value="charge"')
    assert "data-pass-preview" not in refused.content.decode()
    assert "could not be read" in refused.content.decode()


def test_the_page_shells_offline_queue_block_renders_its_words_and_script():
    html = render_to_string("ui/offline_queue.html")

    assert "data-offline-queue" in html and "data-offline-status" in html
    assert "Waiting to be sent: {count}" in html
    assert 'src="/static/js/offline-queue.js"' in html
