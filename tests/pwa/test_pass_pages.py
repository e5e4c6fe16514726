"""The member's pass and card pages: no timed refresh (the script rotates the code), the member's
name and a QR code that decodes to their pass, the next code as JSON, and the offline copy's
notice in the markup the service worker reveals."""

import re

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image, ImageDraw

from tests.factories import MemberFactory
from timecredits.members.passes import read_pass_token

pytestmark = pytest.mark.django_db

MODULE = re.compile(r"M(\d+),(\d+)H")


def decode(svg: str) -> str:
    """The text a QR code from timecredits.qr.qr_svg carries (its path is one square a module)."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    image = Image.new("L", (size * 8, size * 8), 255)
    draw = ImageDraw.Draw(image)
    for x, y in MODULE.findall(svg):
        x, y = int(x) * 8, int(y) * 8
        draw.rectangle((x, y, x + 7, y + 7), fill=0)
    (result,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return result.text


def _ticket(url: str):
    return read_pass_token(url.rsplit("/p/", 1)[1], now=timezone.now())


@pytest.fixture
def amira(client):
    member = MemberFactory(user__first_name="Amira", user__last_name="Haddad")
    client.force_login(member.user)
    return member


def _codes(html: str) -> list[str]:
    """The page's QR codes: its SVGs less the shell's icons, which are hidden from readers."""
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    return [svg for svg in svgs if 'aria-hidden="true"' not in svg.split(">", 1)[0]]


def test_the_pass_page_has_no_timed_refresh_and_shows_the_name_and_a_rotating_code(client, amira):
    response = client.get("/me/pass/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'http-equiv="refresh"' not in html.lower()
    assert "Amira Haddad" in html
    assert amira.code in html
    live, card = _codes(html)
    live_ticket, card_ticket = _ticket(decode(live)), _ticket(decode(card))
    assert (live_ticket.member_id, live_ticket.rotating) == (amira.pk, True)
    assert (card_ticket.member_id, card_ticket.rotating) == (amira.pk, False)
    assert 'data-code-url="/me/pass/code/"' in html
    seconds_left = int(re.search(r'data-seconds-left="(\d+)"', html).group(1))
    assert 1 <= seconds_left <= 30
    assert '<a class="button" href="/me/pass/" data-refresh>Refresh</a>' in html
    assert '<script src="/static/js/pass.js" defer></script>' in html


def test_the_pass_page_says_how_long_an_offline_copy_works(client, amira):
    html = client.get("/me/pass/").content.decode()

    marked = r'<div class="notice warning" data-offline-copy hidden>(.*?)</div>'
    notice = re.search(marked, html, re.S)
    assert notice, "the service worker reveals this element in an offline copy"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", notice.group(1)))
    assert re.search(r"Offline copy from \d\d:\d\d\.", text)
    assert "works for at most 60 seconds after it appears" in text
    assert "shows your member card's code instead" in text


def test_the_next_code_comes_as_json_for_the_pages_script(client, amira):
    response = client.get("/me/pass/code/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    code = response.json()
    assert set(code) == {"qr", "seconds_left"}
    assert 1 <= code["seconds_left"] <= 30
    ticket = _ticket(decode(code["qr"]))
    assert (ticket.member_id, ticket.rotating) == (amira.pk, True)


def test_the_next_code_is_only_for_someone_signed_in_and_only_read(client, amira):
    assert client.post("/me/pass/code/").status_code == 405
    client.logout()
    response = client.get("/me/pass/code/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/me/pass/code/"


def test_the_card_page_shows_the_name_a_fixed_code_and_prints(client, amira):
    html = client.get("/me/card/").content.decode()

    assert 'http-equiv="refresh"' not in html.lower()
    assert "Amira Haddad" in html
    (svg,) = _codes(html)
    ticket = _ticket(decode(svg))
    assert (ticket.member_id, ticket.rotating) == (amira.pk, False)
    assert "data-print" in html
    assert "data-offline-copy hidden" in html
    assert 'href="/me/pass/"' in html
