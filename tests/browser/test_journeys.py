"""The journeys of issue 14 in Chromium at a phone's size, against the live server: a poster
scanned while signed out, check-in and check-out, balance and history, an offer booked and
completed at the venue, the pass, an offline check-in, and the core flows without JavaScript.

Codes are read the way a phone reads them: the QR code on the screen is screenshotted and
decoded (zxing-cpp), and a poster's code is a real QR image given to the scanner's photo input.
"""

import base64
import contextlib
import io
import json
import re
import time
from urllib.parse import urlparse

import pytest
import qrcode
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.phone import TIMEOUT, app_ready_for_no_signal, signed_in

CHECKED_IN = re.compile(r"checked in", re.IGNORECASE)
CHECKED_OUT = re.compile(r"checked out", re.IGNORECASE)


def scanned(page) -> str:
    """What a phone reads from the QR code on the page: its largest picture (icons are
    pictures too), screenshotted and decoded."""
    pictures = page.locator("svg, img")
    boxes = [(pictures.nth(i), pictures.nth(i).bounding_box()) for i in range(pictures.count())]
    qr = max((b for b in boxes if b[1]), key=lambda b: b[1]["width"] * b[1]["height"])[0]
    qr.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(qr.screenshot()))
    (result,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return result.text


def code_in(redemption_url: str) -> str:
    """The code a redemption's /r/<token> carries (the token is Django-signed JSON)."""
    payload = urlparse(redemption_url).path.removeprefix("/r/").split(":")[0]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["c"]


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    qrcode.make(text, border=4, box_size=8).save(out, format="PNG")
    return out.getvalue()


def contributions(page, session_id: int) -> list[dict]:
    """The signed-in member's contributions at a session, through the API (the page's own
    session cookie)."""
    response = page.request.get("/api/v1/me/contributions")
    assert response.ok, response.text()
    return [c for c in response.json() if c["session_id"] == session_id]


def eventually(check, timeout_ms: int = TIMEOUT, page=None):
    """Ask again, briefly pausing in the browser between asks, until `check()` is truthy."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        if page is not None:
            page.wait_for_timeout(200)


def tap(page, name: re.Pattern) -> None:
    """Tap the first button or link in the page's main part whose text matches `name`."""
    main = page.locator("main")
    main.locator("button, a, [role=button]").filter(has_text=name).first.click()
    page.wait_for_load_state()


def check_out(page, session_id: int) -> None:
    """Check out, through the confirm step that keeps a double tap from checking out."""
    tap(page, re.compile(r"check out", re.IGNORECASE))
    (still,) = contributions(page, session_id)
    assert still["checked_out_at"] is None, "one tap on Check out checked out: no confirm step"
    tap(page, re.compile(r"check out|confirm|yes", re.IGNORECASE))
    expect(page.locator("main")).to_contain_text(CHECKED_OUT)
    (closed,) = contributions(page, session_id)
    assert closed["checked_out_at"] is not None


def test_a_poster_scanned_while_signed_out_offers_to_join_and_comes_back_to_check_in(phone, server):
    checkin = server.data["checkins"]["join"]
    path = f"/c/{checkin['token']}"

    phone.goto(path)
    main = phone.locator("main")
    expect(main).to_contain_text(server.data["activity"])
    expect(
        phone.get_by_role("link", name=re.compile(r"forgot|reset", re.IGNORECASE))
    ).to_have_count(1)
    with phone.expect_navigation():
        phone.get_by_role("link", name=re.compile(r"^join", re.IGNORECASE)).first.click()
    # An optional field's label says so: "Email (optional)".
    phone.get_by_label("First name", exact=True).fill("Nia")
    phone.get_by_label(re.compile(r"^Email( \(optional\))?$")).fill("nia@example.org")
    phone.get_by_label("Choose a password").fill("a kettle of wild herons")
    phone.get_by_label("I agree to the terms of use").check()
    phone.get_by_role("button", name=re.compile(r"^join", re.IGNORECASE)).click()

    expect(phone).to_have_url(re.compile(re.escape(path) + "$"))
    phone.get_by_role("button", name=re.compile(r"check in", re.IGNORECASE)).click()
    expect(main).to_contain_text(CHECKED_IN)
    assert len(contributions(phone, checkin["session_id"])) == 1


def test_a_double_tap_on_join_joins_once_and_says_welcome(phone):
    """The second tap's answer said "This email address is already registered" to the person
    who had just joined (a concurrency probe, 10 of 10 double taps by requests)."""
    phone.goto("/join/")
    phone.get_by_label("First name", exact=True).fill("Osian")
    phone.get_by_label(re.compile(r"^Email( \(optional\))?$")).fill("osian.double@example.org")
    phone.get_by_label("Choose a password").fill("a kettle of wild herons")
    phone.get_by_label("I agree to the terms of use").check()

    def slow(route):  # a slow phone's connection: the first send is still on its way
        time.sleep(0.6)
        with contextlib.suppress(Exception):  # a send the browser gave up on meanwhile
            route.continue_()

    phone.route("**/join/", slow)
    # Two sends of the form 200 ms apart, as a double tap makes them.
    phone.locator("form:has(input[name=first_name])").evaluate(
        "(form) => { form.requestSubmit(); setTimeout(() => form.requestSubmit(), 200); }"
    )

    expect(phone).to_have_url(re.compile(r"/me/$"))
    expect(phone.locator("main")).to_contain_text("Welcome!")
    assert "already registered" not in phone.content()


def test_a_member_checks_in_checks_out_and_sees_their_balance_and_history(phone, server):
    checkin = server.data["checkins"]["member"]
    signed_in(phone, "amira")

    phone.goto(f"/c/{checkin['token']}")
    main = phone.locator("main")
    expect(main).to_contain_text(server.data["activity"])
    expect(main).to_contain_text("Riverside Lunch Club")  # whose session, not just its title
    button = phone.get_by_role("button", name=re.compile(r"check in", re.IGNORECASE))
    box = button.bounding_box()
    button.click()
    expect(main).to_contain_text(re.compile(r"checked in at \d{1,2}[:.]\d{2}", re.IGNORECASE))
    # A second tap where "Check in" was must not land on "Check out".
    under = phone.evaluate(
        """([x, y]) => {
          const hit = document.elementFromPoint(x, y);
          const control = hit && hit.closest("button, a, input, [role=button]");
          return control ? control.textContent || control.value || "" : "";
        }""",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert "check out" not in under.lower(), f"a double tap on Check in lands on {under!r}"

    check_out(phone, checkin["session_id"])

    phone.goto("/")
    expect(phone.locator(".balance-card .balance-amount")).to_contain_text(re.compile(r"\d"))
    phone.goto("/me/credits/")
    expect(phone.locator("ul.list li.list-row").first).to_be_visible()
    history = phone.locator("main").inner_text()
    for ledger_word in ("hold posted", "(hold)", "1 credits", "time(s)"):
        assert ledger_word not in history, ledger_word


def test_a_member_books_an_offer_and_venue_staff_scan_and_complete_it(phone, new_context, server):
    offer = server.data["offer"]
    signed_in(phone, "amira")
    phone.goto(f"/offers/{offer['id']}/")
    phone.get_by_role("button", name=re.compile(r"get a code|book", re.IGNORECASE)).click()
    url = scanned(phone)
    expect(phone.locator("main")).to_contain_text(code_in(url))  # the code, to read out
    # The QR code names this server, whatever port it runs on (not SITE_URL's default).
    assert url.startswith(f"{server.base}/r/"), url

    till = new_context().new_page()
    till.set_default_timeout(TIMEOUT)
    signed_in(till, "venue")
    till.goto(urlparse(url).path)  # where the scanner goes with what it read
    expect(till.locator("main")).to_contain_text(offer["title"])  # who and what, before completing
    till.get_by_role("button", name=re.compile(r"complete", re.IGNORECASE)).first.click()
    expect(till.locator("main")).to_contain_text(re.compile(rf"done.*{offer['title']}", re.I))

    phone.reload()
    expect(phone.locator("main")).to_contain_text(re.compile(r"used|completed", re.IGNORECASE))


def test_a_member_shows_their_pass(phone, server):
    signed_in(phone, "amira")
    phone.goto("/")
    phone.get_by_role("link", name=re.compile(r"pass", re.IGNORECASE)).first.click()

    expect(phone).to_have_url(re.compile(r"/me/pass/$"))
    url = scanned(phone)
    assert url.startswith(f"{server.base}/p/"), url
    assert phone.locator("meta[http-equiv=refresh]").count() == 0


def test_an_offline_check_in_is_kept_and_sent_once_back_online(phone, server):
    checkin = server.data["checkins"]["offline"]
    signed_in(phone, "carys")
    assert phone.goto("/scan/").status == 200
    photo = phone.locator("input[type=file]").first
    app_ready_for_no_signal(phone)

    phone.context.set_offline(True)
    photo.set_input_files(
        files=[
            {
                "name": "poster.png",
                "mimeType": "image/png",
                "buffer": qr_png(f"{server.base}/c/{checkin['token']}"),
            }
        ]
    )
    # What the scan page says about the scan (a status message), not its standing advice.
    kept = phone.locator("main [role=status]").filter(
        has_text=re.compile(r"offline|saved|kept|back online|no signal|will be sent", re.IGNORECASE)
    )
    expect(kept).to_have_count(1)
    phone.context.set_offline(False)

    sent = eventually(lambda: contributions(phone, checkin["session_id"]), page=phone)
    assert len(sent) == 1, sent
    # Coming back to the app sends nothing twice.
    phone.goto("/scan/")
    phone.wait_for_load_state("networkidle")
    phone.goto("/")
    phone.wait_for_load_state("networkidle")
    assert len(contributions(phone, checkin["session_id"])) == 1


@pytest.fixture
def no_js(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.set_default_timeout(TIMEOUT)
    return page


def test_without_javascript_a_member_checks_in_checks_out_and_books_an_offer(
    no_js, new_context, server
):
    checkin, offer = server.data["checkins"]["nojs"], server.data["offer"]
    signed_in(no_js, "ben")

    no_js.goto(f"/c/{checkin['token']}")
    no_js.get_by_role("button", name=re.compile(r"check in", re.IGNORECASE)).click()
    expect(no_js.locator("main")).to_contain_text(CHECKED_IN)
    check_out(no_js, checkin["session_id"])

    no_js.goto(f"/offers/{offer['id']}/")
    no_js.get_by_role("button", name=re.compile(r"get a code|book", re.IGNORECASE)).click()
    code = code_in(scanned(no_js))
    expect(no_js.locator("main")).to_contain_text(code)

    till = new_context(java_script_enabled=False).new_page()
    till.set_default_timeout(TIMEOUT)
    signed_in(till, "venue")
    till.goto(f"/organisations/{server.data['venue_id']}/redeem/")
    typed = till.locator("input[name=code]")
    typed.fill(code)  # the typed code: the fallback to the camera
    with till.expect_navigation():
        typed.press("Enter")  # the form's own button, "Check the code", looks it up
    # Who and what, before anything is taken; then complete.
    expect(till.locator("[data-redemption-preview]")).to_contain_text(offer["title"])
    till.get_by_role("button", name=re.compile(r"complete", re.IGNORECASE)).first.click()
    expect(till.locator("main")).to_contain_text(re.compile(rf"done.*{offer['title']}", re.I))


def test_a_coordinators_poster_names_this_server_whatever_its_port(phone, server):
    """The poster printed under `PORT=8101 make run` must send phones to port 8101: here the
    server listens on a free port, and the poster's code must name it."""
    session_id = server.data["checkins"]["member"]["session_id"]
    signed_in(phone, "coordinator")
    phone.goto(f"/sessions/{session_id}/poster/")

    url = scanned(phone)

    assert url.startswith(f"{server.base}/c/"), url


def test_back_after_a_gift_shows_an_empty_form_not_the_gift_to_send_again(phone, server):
    # The page is never cached, so Back fetched a new form (a new token) and Chromium typed the
    # gift back in: one more tap gave it twice.
    signed_in(phone, "amira")
    phone.goto("/me/give/")
    phone.fill("input[name=member_code]", server.data["codes"]["ben"])
    phone.fill("input[name=amount]", "0.25")
    phone.get_by_role("button", name=re.compile(r"give", re.IGNORECASE)).click()
    expect(phone.locator("main")).to_contain_text("You gave")

    phone.go_back()

    expect(phone.locator("input[name=member_code]")).to_have_value("")
    expect(phone.locator("input[name=amount]")).to_have_value("")
