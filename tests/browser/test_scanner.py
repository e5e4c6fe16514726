"""The QR scanner component in a real browser: a member scans a poster from a photo on /scan/, a
venue scans a redemption code and sees who and what before completing, a coordinator scans member
passes at the door, scans made with no network wait and are sent once back online, and with
JavaScript off the typed codes still do the same.

The suite's live server and Chromium (tests/browser/conftest.py), at a phone's size, each phone
a browser context of its own; this file adds what the scans point at to the server's database.
The QR images are real PNGs made with the `qrcode` package and read by the vendored qr-scanner
(its worker, since headless Chromium on Linux has no BarcodeDetector), so the library, its
worker under the CSP and the component are all exercised. Every page is watched for console
errors and CSP violations.
"""

import json
import time
import uuid

import pytest
import qrcode

from tests.browser.phone import PHONE, app_ready_for_no_signal
from tests.e2e.stack import CHROMIUM, manage, printed_json
from timecredits.ops.demo import DEMO_PASSWORD

LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  (window.__violations = window.__violations || []).push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""
# A session of the demo's lunch club happening now, a redemption code held at the leisure centre,
# and two members' printed cards: what the scans below point at.
SETUP = """
import datetime, json, uuid
from django.utils import timezone
from timecredits.activities.models import Activity, Session
from timecredits.activities.tokens import poster_token
from timecredits.errors import DomainError
from timecredits.members.models import Member
from timecredits.members.passes import pass_token
from timecredits.spending.models import Offer
from timecredits.spending.services.redemptions import redemption_create
from timecredits.spending.tokens import redemption_token

now = timezone.now()
activity = Activity.objects.get(title="Lunch club kitchen")
session = Session.objects.create(
    activity=activity, starts_at=now - datetime.timedelta(minutes=10),
    ends_at=now + datetime.timedelta(hours=2), location="Riverside hall", capacity=12,
)
offer = Offer.objects.get(title="Swim session")
redemptions = []
for member in Member.objects.select_related("user").order_by("pk"):
    try:
        while len(redemptions) < 2:
            redemptions.append(redemption_create(
                member=member, offer=offer, idempotency_key=uuid.uuid4().hex
            )[0])
        break
    except DomainError:
        continue
redemption, second = redemptions
cards = {
    m.user.username: pass_token(member_id=m.pk, pass_version=m.pass_version)
    for m in Member.objects.select_related("user").filter(
        user__username__in=["ben", "hamid", "femi"]
    )
}
print(json.dumps({
    "session_id": session.pk,
    "venue_id": offer.organisation_id,
    "poster": poster_token(
        session_id=session.pk, starts_at=session.starts_at, ends_at=session.ends_at
    ),
    "redemption": redemption_token(redemption_id=redemption.pk, code=redemption.code),
    "code": redemption.code,
    "redeemer": redemption.member.user.get_full_name(),
    "second": redemption_token(redemption_id=second.pk, code=second.code),
    "second_code": second.code,
    "cards": cards,
    "codes": dict(Member.objects.values_list("user__username", "code")),
}))
"""
# The scanner's count of scans waiting (the page shell carries one too, which the queue leaves
# hidden where a scanner speaks first).
WAITING = "[data-scanner] [data-offline-count]"
COUNT_CONTRIBUTIONS = """
import json
from timecredits.activities.models import Contribution
print(json.dumps(sorted(Contribution.objects.filter(session_id={session}).values_list(
    "member__user__username", flat=True))))
"""


@pytest.fixture(scope="module")
def scene(server, tmp_path_factory):
    """The suite's live server, with a session happening now, redemption codes and member cards
    added to its database: {"base", "env", "folder" (for the QR images), and what SETUP printed}."""
    return {
        "base": server.base,
        "env": server.env,
        "folder": tmp_path_factory.mktemp("scanner"),
        **printed_json(server.env, SETUP),
    }


class Phone:
    """A signed-in phone: its page, and every console error and CSP violation it met."""

    def __init__(self, browser, base, username, *, javascript=True, permissions=()):
        self.context = browser.new_context(
            base_url=base, java_script_enabled=javascript, permissions=list(permissions), **PHONE
        )
        self.context.add_init_script(LISTENER)
        self.page = self.context.new_page()
        self.problems = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("response", self._response)
        _sign_in_again(self.page, username)
        self.javascript = javascript

    def _console(self, message):
        # A failed load is reported with its address by _response; the console does not say which.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _response(self, response):
        # The favicon is the installable app's (another part of the work), not the scanner's.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"{response.status} {response.url}")

    def violations(self) -> list:
        caught = self.page.evaluate("window.__violations || []") if self.javascript else []
        return caught + self.problems

    def close(self):
        self.context.close()


@pytest.fixture
def phone(browser, scene):
    """Sign in on a phone of one's own: `phone("amira")` (the suite's `phone` page is not used)."""
    phones = []

    def sign_in(username, **kwargs):
        phones.append(Phone(browser, scene["base"], username, **kwargs))
        return phones[-1]

    yield sign_in
    for each in phones:
        each.close()


def _qr_png(folder, name: str, payload: str):
    path = folder / f"{name}.png"
    qrcode.make(payload).save(path)
    return path


def _contributions(scene) -> list:
    script = COUNT_CONTRIBUTIONS.format(session=scene["session_id"])
    return json.loads(manage(scene["env"], "shell", "-c", script).stdout.strip().splitlines()[-1])


def test_a_member_scans_a_photo_of_the_poster_and_lands_on_its_check_in(scene, phone):
    member = phone("amira")
    page = member.page
    page.goto("/scan/")
    image = _qr_png(scene["folder"], "poster", f"{scene['base']}/c/{scene['poster']}")

    with page.expect_navigation(url=f"**/c/{scene['poster']}"):
        page.set_input_files("[data-scanner-file]", str(image))

    assert page.get_by_role("heading", level=1).inner_text() == "Check in at Lunch club kitchen"
    assert page.get_by_role("button", name="Check in").is_visible()
    assert member.violations() == []


def test_the_scanner_refuses_a_code_for_another_website(scene, phone):
    member = phone("amira")
    page = member.page
    page.goto("/scan/")
    image = _qr_png(scene["folder"], "elsewhere", f"https://elsewhere.example/c/{scene['poster']}")

    page.set_input_files("[data-scanner-file]", str(image))

    status = page.locator("[data-scanner-result]")
    status.filter(has_text="another website").wait_for()
    assert "elsewhere.example" in status.inner_text()
    assert page.url == f"{scene['base']}/scan/"
    assert member.violations() == []


def test_venue_staff_scan_a_redemption_code_and_see_who_and_what_before_completing(scene, phone):
    staff = phone("venue")
    page = staff.page
    page.goto(f"/organisations/{scene['venue_id']}/redeem/")
    image = _qr_png(scene["folder"], "redemption", f"{scene['base']}/r/{scene['redemption']}")

    with page.expect_navigation(url=f"**/redeem/?code={scene['code']}"):
        page.set_input_files("[data-scanner-file]", str(image))

    waiting = page.locator("[data-redemption-preview]")
    assert "Swim session" in waiting.inner_text()
    assert scene["redeemer"] in waiting.inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Complete").click()
    assert "Done: Swim session" in page.locator(".messages").inner_text()
    assert staff.violations() == []


def test_a_coordinator_scans_member_cards_at_the_door_and_keeps_scanning(scene, phone):
    coordinator = phone("coordinator")
    page = coordinator.page
    page.goto(f"/sessions/{scene['session_id']}/")
    card = _qr_png(scene["folder"], "ben", f"{scene['base']}/p/{scene['cards']['ben']}")

    with page.expect_response(lambda r: "/pass-checkins" in r.url) as answered:
        page.set_input_files("[data-scanner-file]", str(card))

    assert answered.value.status == 201
    log = page.locator("[data-scanner-log] li")
    log.first.wait_for()
    assert log.count() == 1
    assert "Checked in" in log.first.inner_text()
    assert page.url.endswith(f"/sessions/{scene['session_id']}/")
    assert "ben" in _contributions(scene)
    assert coordinator.violations() == []


def test_a_door_scan_with_no_network_waits_and_is_sent_once_back_online(scene, phone):
    coordinator = phone("coordinator")
    page = coordinator.page
    page.goto(f"/sessions/{scene['session_id']}/")
    card = _qr_png(scene["folder"], "hamid", f"{scene['base']}/p/{scene['cards']['hamid']}")
    before = _contributions(scene)

    app_ready_for_no_signal(coordinator.page)

    coordinator.context.set_offline(True)
    page.set_input_files("[data-scanner-file]", str(card))
    page.locator(WAITING).filter(has_text="Waiting to be sent: 1").wait_for()
    assert "Saved" in page.locator("[data-scanner-result]").inner_text()
    assert _contributions(scene) == before
    queued = page.evaluate("JSON.parse(localStorage.getItem('timecredits.offline-scans.v1'))")
    assert [(q["kind"], q["session_id"]) for q in queued] == [
        ("pass-checkin", str(scene["session_id"]))
    ]
    assert queued[0]["scanned_at"].endswith("Z") and len(queued[0]["key"]) == 36

    with page.expect_response(lambda r: "/pass-checkins" in r.url) as answered:
        coordinator.context.set_offline(False)

    assert answered.value.status in (200, 201)
    assert answered.value.request.headers["idempotency-key"] == queued[0]["key"]
    page.locator(WAITING).wait_for(state="hidden")
    assert page.evaluate("localStorage.getItem('timecredits.offline-scans.v1')") == "[]"
    after = _contributions(scene)
    assert after.count("hamid") == 1 and len(after) == len(before) + 1
    # Offline, the browser logged the failed fetch as an error; nothing else is allowed.
    assert [p for p in coordinator.violations() if "ERR_INTERNET_DISCONNECTED" not in p] == []


def _kept_then_sent_back_online(scene, member, before):
    """A scan made with no signal waits on the phone, the page says so and nothing reaches the
    server; once the signal is back it is sent and checks the member in. The request sent."""
    page = member.page
    page.locator(WAITING).filter(has_text="Waiting to be sent: 1").wait_for()
    assert "back online" in page.locator("[data-scanner-result]").inner_text()
    assert page.url == f"{scene['base']}/scan/"
    assert _contributions(scene) == before
    with page.expect_response(lambda r: r.url.endswith("/api/v1/checkins")) as answered:
        member.context.set_offline(False)
    assert answered.value.status == 201
    return answered.value.request


def test_a_poster_scanned_with_no_network_checks_the_member_in_once_back_online(scene, phone):
    member = phone("dev")
    page = member.page
    page.goto("/scan/")
    image = _qr_png(scene["folder"], "poster-offline", f"{scene['base']}/c/{scene['poster']}")
    before = _contributions(scene)

    app_ready_for_no_signal(member.page)

    member.context.set_offline(True)
    page.set_input_files("[data-scanner-file]", str(image))
    sent = _kept_then_sent_back_online(scene, member, before)

    assert json.loads(sent.post_data)["token"] == scene["poster"]
    page.locator("[data-scanner-result]").filter(has_text="Lunch club kitchen").wait_for()
    assert page.evaluate("localStorage.getItem('timecredits.offline-scans.v1')") == "[]"
    after = _contributions(scene)
    assert after.count("dev") == 1 and len(after) == len(before) + 1
    # The same scan sent again (another tab, a retry after a lost answer): still one check-in.
    replay = page.evaluate(
        """([body, key]) => fetch("/api/v1/checkins", {method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "Idempotency-Key": key,
                      "X-CSRFToken": window.TimeCreditsQueue.csrfToken()},
            body}).then((r) => r.status)""",
        [sent.post_data, sent.headers["idempotency-key"]],
    )
    assert replay == 200
    assert _contributions(scene) == after
    assert [p for p in member.violations() if "ERR_INTERNET_DISCONNECTED" not in p] == []


def test_a_poster_the_phones_camera_opened_with_no_network_is_kept_and_sent_once_back_online(
    scene, phone
):
    """The phone's own camera app opens a poster's address in the browser. With no signal the
    app offers to keep the scan, as its scanner does, and with a tap checks the member in once
    back online."""
    (username,) = _free(scene)
    member = phone(username)
    page = member.page
    page.goto("/scan/")
    app_ready_for_no_signal(page)
    page.wait_for_function(
        """async () => Boolean(await (await caches.open("tc-private")).match("/scan/"))"""
    )
    page.goto("/")
    before = _contributions(scene)

    member.context.set_offline(True)
    for _ in range(3):
        page.goto(f"/c/{scene['poster']}")
        if page.url.endswith("/scan/"):
            break
        # Offline, Chromium now and then answers a navigation the service worker serves with no
        # new page (tests/browser/test_pwa.py, Phone.goto); the scan page never ran, so nothing
        # was kept, and it is asked again.
        page.wait_for_timeout(250)
    assert "This phone can keep it" in page.locator("[data-scanner-result]").inner_text()
    page.get_by_role("button", name="Keep it and check me in later").click()
    sent = _kept_then_sent_back_online(scene, member, before)

    assert json.loads(sent.post_data)["token"] == scene["poster"]
    page.locator(WAITING).filter(has_text="Waiting to be sent: 1").wait_for(state="hidden")
    assert _contributions(scene).count(username) == 1
    assert [p for p in member.violations() if "ERR_INTERNET_DISCONNECTED" not in p] == []


def test_a_link_to_the_scan_page_with_a_code_to_keep_checks_no_one_in_without_a_tap(scene, phone):
    """What the service worker sends an offline camera scan to, opened from a link instead (a
    message in a group chat): the member is asked, as the check-in page asks, and nothing is
    kept or sent unless they tap."""
    (username,) = _free(scene)
    member = phone(username)
    page = member.page
    before = _contributions(scene)

    page.goto(f"/scan/#keep=%2Fc%2F{scene['poster']}")
    button = page.get_by_role("button", name="Keep it and check me in later")
    button.wait_for()
    page.goto("/")  # another page loads the queue, which would send anything kept

    assert page.evaluate(f"localStorage.getItem('{QUEUE}')") in (None, "[]")
    assert _contributions(scene) == before
    assert member.violations() == []


def test_without_javascript_a_typed_poster_address_still_opens_the_check_in(scene, phone):
    member = phone("amira", javascript=False)
    page = member.page
    page.goto("/scan/")
    assert page.get_by_role("button", name="Scan with camera").is_visible() is False

    page.fill("input[name=code]", f"{scene['base']}/c/{scene['poster']}")
    with page.expect_navigation(url=f"**/c/{scene['poster']}"):
        page.get_by_role("button", name="Open").click()

    assert page.get_by_role("button", name="Check in").is_visible()
    assert member.violations() == []


def test_without_javascript_a_typed_address_for_another_website_is_refused(scene, phone):
    member = phone("amira", javascript=False)
    page = member.page
    page.goto("/scan/")

    page.fill("input[name=code]", "https://elsewhere.example/c/abc")
    page.get_by_role("button", name="Open").click()

    assert page.url.startswith(f"{scene['base']}/scan/?code=")
    assert "another website" in page.locator(".field-error").inner_text()


def test_without_javascript_a_coordinator_types_a_member_code_at_the_door(scene, phone):
    coordinator = phone("coordinator", javascript=False)
    page = coordinator.page
    page.goto(f"/sessions/{scene['session_id']}/")
    assert page.get_by_role("button", name="Scan with camera").is_visible() is False

    page.fill("#door-code", scene["codes"]["ela"])
    with page.expect_navigation():
        page.locator("#door-code").press("Enter")

    assert page.url.endswith(f"/sessions/{scene['session_id']}/")
    assert "Added 1 person" in page.locator(".messages").inner_text()
    assert _contributions(scene).count("ela") == 1
    assert coordinator.violations() == []


def test_without_javascript_venue_staff_open_a_scanned_code_see_it_and_complete_it(scene, phone):
    staff = phone("venue", javascript=False)
    page = staff.page

    # The phone's own camera app opens the code's address in the browser.
    page.goto(f"/r/{scene['second']}")

    assert page.url.endswith(f"/redeem/?code={scene['second_code']}")
    waiting = page.locator("[data-redemption-preview]")
    assert "Swim session" in waiting.inner_text() and scene["redeemer"] in waiting.inner_text()
    # From the keyboard: a tap lands on the form while the day's table still overflows 360 px
    # (the design system's stacking table puts that right).
    with page.expect_navigation():
        page.get_by_role("button", name="Complete").press("Enter")
    assert "Done: Swim session" in page.locator(".messages").inner_text()
    assert staff.violations() == []


def _qr_video(folder, name: str, payload: str):
    """A camera's view of a QR code, as the Y4M video Chromium's fake camera plays in a loop."""
    width, height = 640, 480
    code = qrcode.make(payload).convert("L")
    # Inside the middle two thirds of the frame, the square qr-scanner looks at.
    side = 300
    code = code.resize((side, side))
    frame = bytearray(b"\xff" * (width * height))
    left, top = (width - side) // 2, (height - side) // 2
    pixels = code.tobytes()
    for row in range(side):
        start = (top + row) * width + left
        frame[start : start + side] = pixels[row * side : (row + 1) * side]
    chroma = b"\x80" * (width * height // 2)  # two quarter-size planes, neutral: grey
    path = folder / f"{name}.y4m"
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(5):
            video.write(b"FRAME\n" + bytes(frame) + chroma)
    return path


def test_a_coordinator_scans_a_card_with_the_camera_and_stops_it(
    scene, playwright, browser_type_launch_args
):
    video = _qr_video(scene["folder"], "femi", f"{scene['base']}/p/{scene['cards']['femi']}")
    # A Chromium of its own, from the suite's Playwright: the fake camera is a launch flag.
    flags = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    camera_phone = playwright.chromium.launch(
        **{**browser_type_launch_args, "args": [*browser_type_launch_args.get("args", []), *flags]},
        executable_path=CHROMIUM,
    )
    try:
        coordinator = Phone(camera_phone, scene["base"], "coordinator", permissions=["camera"])
        page = coordinator.page
        page.goto(f"/sessions/{scene['session_id']}/")

        answers = []
        page.on("response", lambda r: "/pass-checkins" in r.url and answers.append(r.status))
        page.get_by_role("button", name="Scan with camera").click()
        try:
            page.locator("[data-scanner-log] li").first.wait_for(timeout=60_000)
        except Exception:
            status = page.locator("[data-scanner-result]").inner_text()
            pytest.fail(f"nothing was scanned; the scanner said {status!r}")
        stop = page.get_by_role("button", name="Stop camera")
        assert page.locator("[data-scanner-video]").is_visible()
        assert page.get_by_role("button", name="Scan with camera").is_hidden()
        assert stop.bounding_box()["height"] >= 44
        stop.click()

        assert answers == [201]
        assert page.locator("[data-scanner-video]").is_hidden()
        assert page.get_by_role("button", name="Scan with camera").is_visible()
        # The card was read once, though the camera saw it for as long as it ran.
        assert page.locator("[data-scanner-log] li").count() == 1
        assert _contributions(scene).count("femi") == 1
        assert coordinator.violations() == []
        coordinator.close()
    finally:
        camera_phone.close()


def test_a_kept_scan_the_server_refuses_is_dropped_and_the_reason_shown(scene, phone):
    member = phone("gwen")
    page = member.page
    before = _contributions(scene)

    _kept_offline(scene, member, "forged", f"{scene['base']}/c/not-a-token-we-signed")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/checkins")) as answered:
        member.context.set_offline(False)

    refused = answered.value.status
    assert 400 <= refused < 500 and refused != 401
    status = page.locator("[data-scanner-result]")
    status.filter(has_text="was not accepted").wait_for()
    assert "not one of ours" in status.inner_text()
    assert page.evaluate("localStorage.getItem('timecredits.offline-scans.v1')") == "[]"
    assert page.locator(WAITING).is_hidden()
    assert _contributions(scene) == before
    # The refusal was answered on purpose; nothing else may go wrong.
    assert [
        p
        for p in member.violations()
        if "ERR_INTERNET_DISCONNECTED" not in p and not p.startswith(f"{refused} ")
    ] == []


def test_at_the_door_a_code_that_is_not_a_pass_is_refused_without_a_request(scene, phone):
    coordinator = phone("coordinator")
    page = coordinator.page
    page.goto(f"/sessions/{scene['session_id']}/")
    requests = []
    page.on("request", lambda r: "/api/" in r.url and requests.append(r.url))
    poster = _qr_png(scene["folder"], "poster-door", f"{scene['base']}/c/{scene['poster']}")

    page.set_input_files("[data-scanner-file]", str(poster))

    status = page.locator("[data-scanner-result]")
    status.filter(has_text="not a member card or pass").wait_for()
    assert "error" in status.get_attribute("class")
    assert requests == []
    assert page.locator("[data-scanner-log] li").count() == 0
    assert coordinator.violations() == []


def _kept_offline(scene, member, name: str, address: str):
    """`member`'s phone, on /scan/ with no signal, scans the code at `address` (a QR image
    called `name`): the scan waits on the phone."""
    page = member.page
    page.goto("/scan/")
    image = _qr_png(scene["folder"], name, address)
    app_ready_for_no_signal(page)
    member.context.set_offline(True)
    page.set_input_files("[data-scanner-file]", str(image))
    page.locator(WAITING).filter(has_text="Waiting to be sent: 1").wait_for()


def _sign_in_again(page, username):
    page.goto("/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert page.locator("input[name=password]").count() == 0, f"{username} signed in"


def test_a_scan_kept_on_a_shared_phone_waits_for_the_member_who_made_it(scene, phone):
    kay = phone("kay")
    page = kay.page
    _kept_offline(scene, kay, "poster-shared", f"{scene['base']}/c/{scene['poster']}")
    # Kay's session ends before the signal comes back, and Lin signs in on the same phone.
    kay.context.clear_cookies(name="sessionid")
    kay.context.set_offline(False)

    _sign_in_again(page, "lin")
    page.evaluate("window.TimeCreditsQueue.flush()")

    assert page.evaluate("window.TimeCreditsQueue.waiting()") == 0
    assert "lin" not in _contributions(scene) and "kay" not in _contributions(scene)
    assert (
        len(page.evaluate("JSON.parse(localStorage.getItem('timecredits.offline-scans.v1'))")) == 1
    )

    # Kay signs in again: her scan is sent, as hers.
    kay.context.clear_cookies(name="sessionid")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/checkins")) as answered:
        _sign_in_again(page, "kay")

    assert answered.value.status == 201
    page.wait_for_function("localStorage.getItem('timecredits.offline-scans.v1') === '[]'")
    assert _contributions(scene).count("kay") == 1 and "lin" not in _contributions(scene)
    assert [
        p
        for p in kay.violations()
        if "ERR_INTERNET_DISCONNECTED" not in p and not p.startswith("401 ")
    ] == []


# A member's pass (their phone's as it is now, or their card's), and the coordinator's phone
# clock set wrong.
PASS = """
import json
from django.utils import timezone
from timecredits.members.models import Member
from timecredits.members.passes import pass_token
member = Member.objects.get(user__username="{username}")
now = timezone.now() if {phone} else None
print(json.dumps(pass_token(member_id=member.pk, pass_version=member.pass_version, now=now)))
"""
CLOCK_OFF = """
(() => {
  const Real = Date;
  class Off extends Real {
    constructor(...args) { if (args.length) super(...args); else super(Real.now() + %d); }
    static now() { return Real.now() + %d; }
  }
  window.Date = Off;
})();
"""
QUEUE = "timecredits.offline-scans.v1"
# Members of the demo's generated crowd (named first.last) who can be checked in at the scene's
# session now: none there yet, none checked in elsewhere (the suite's other browser tests share
# the server, and check some in).
FREE = """
import json
from timecredits.activities.models import Contribution
from timecredits.members.models import Member
busy = Contribution.objects.filter(status="checked_in").values_list("member", flat=True)
here = Contribution.objects.filter(session_id={session}).values_list("member", flat=True)
free = Member.objects.filter(user__username__contains=".", closed_at__isnull=True)
free = free.exclude(pk__in=busy).exclude(pk__in=here).order_by("user__username")
print(json.dumps(list(free.values_list("user__username", flat=True)[:{count}])))
"""


def _free(scene, count: int = 1) -> list:
    return printed_json(scene["env"], FREE.format(session=scene["session_id"], count=count))


RATE_LIMITED = json.dumps(
    {"error": {"code": "rate_limited", "message": "Wait.", "detail": {"retry_after": 1}}}
)


def _queued(page, scene, pass_token: str) -> dict:
    """A door scan of `pass_token` kept on the coordinator's phone (their page, already open), as
    the queue keeps one it could not send."""
    owner = page.evaluate(
        "document.querySelector('[data-offline-queue][data-owner]').dataset.owner"
    )
    item = {
        "kind": "pass-checkin",
        "pass_token": pass_token,
        "session_id": str(scene["session_id"]),
        "scanned_at": page.evaluate("new Date().toISOString()"),
        "key": str(uuid.uuid4()),
        "owner": owner,
    }
    page.evaluate(f"(items) => localStorage.setItem('{QUEUE}', JSON.stringify(items))", [item])
    return item


@pytest.mark.parametrize(
    "seconds, first",
    [(-40, None), (150, None), (-40, 429)],
    ids=["40 s slow", "2.5 minutes fast", "40 s slow, sent again after a 429"],
)
def test_a_door_scan_is_judged_by_the_servers_clock(scene, phone, seconds, first):
    """A coordinator's phone whose clock is out checks a member's phone pass in at the door,
    at once or sent again a moment later: the scan says how long ago it was made, by the phone's
    own count, and the server dates it by its own clock."""
    coordinator = phone("coordinator")
    page = coordinator.page
    page.add_init_script(CLOCK_OFF % (seconds * 1000, seconds * 1000))
    page.goto(f"/sessions/{scene['session_id']}/")
    (username,) = _free(scene)
    shown = printed_json(scene["env"], PASS.format(username=username, phone=True))
    image = _qr_png(scene["folder"], f"{username}-phone", f"{scene['base']}/p/{shown}")
    if first:
        page.route(
            "**/pass-checkins",
            lambda route: route.fulfill(
                status=first, body=RATE_LIMITED, content_type="application/json"
            ),
            times=1,
        )

    with page.expect_response(
        lambda r: "/pass-checkins" in r.url and r.status != first, timeout=15_000
    ) as answered:
        page.set_input_files("[data-scanner-file]", str(image))

    assert answered.value.status == 201, answered.value.text()
    sent = json.loads(answered.value.request.post_data)
    assert "scanned_at" not in sent and 0 <= sent["scanned_seconds_ago"] <= 5
    assert _contributions(scene).count(username) == 1
    assert [p for p in coordinator.violations() if not p.startswith("429 ")] == []


@pytest.mark.parametrize(
    "status, error",
    [
        (409, {"code": "busy", "message": "Try again.", "detail": None}),
        (429, {"code": "rate_limited", "message": "Wait.", "detail": {"retry_after": 1}}),
    ],
)
def test_a_kept_scan_answered_try_again_stays_and_is_sent_again(scene, phone, status, error):
    """A 409 busy or a 429 means nothing was done: the scan waits and goes again by itself."""
    coordinator = phone("coordinator")
    page = coordinator.page
    page.goto(f"/sessions/{scene['session_id']}/")
    (username,) = _free(scene)
    card = printed_json(scene["env"], PASS.format(username=username, phone=False))
    _queued(page, scene, card)
    answered = []
    page.on(
        "response",
        lambda r: "/pass-checkins" in r.url and answered.append((r.status, time.monotonic())),
    )
    refusal = json.dumps({"error": error})
    page.route(
        "**/pass-checkins",
        lambda route: route.fulfill(status=status, body=refusal, content_type="application/json"),
        times=1,
    )

    page.evaluate("window.TimeCreditsQueue.flush()")

    deadline = time.monotonic() + 15
    while page.evaluate(f"localStorage.getItem('{QUEUE}')") != "[]":
        assert time.monotonic() < deadline, "the scan still waits"
        page.wait_for_timeout(250)
    (refused, at_first), (sent, at_last) = answered[0], answered[-1]
    assert (refused, sent) == (status, 201)
    waited = {409: 5, 429: 1}[status]  # AGAIN_MS, or what retry_after said
    assert at_last - at_first >= waited - 0.5
    assert _contributions(scene).count(username) == 1
    assert [p for p in coordinator.violations() if not p.startswith(f"{status} ")] == []


def test_a_tab_left_open_cannot_send_its_members_scan_as_the_next_member(scene, phone):
    """Kay's scan waits in a tab drawn for her; Lin signs in on the same phone in another tab.
    When the signal comes back, Kay's tab sends it saying it is Kay's: refused with Lin's
    cookie, it waits for Kay."""
    kay = phone("kay")
    page = kay.page
    _kept_offline(scene, kay, "poster-left-open", f"{scene['base']}/c/{scene['poster']}")
    kay.context.clear_cookies(name="sessionid")
    kay.context.set_offline(False)
    _sign_in_again(kay.context.new_page(), "lin")
    before = _contributions(scene)

    with page.expect_response(lambda r: r.url.endswith("/api/v1/checkins")) as answered:
        page.evaluate("window.TimeCreditsQueue.flush()")

    assert answered.value.status == 401
    assert answered.value.request.headers["signed-in-as"]
    assert _contributions(scene) == before and "lin" not in before
    assert len(page.evaluate(f"JSON.parse(localStorage.getItem('{QUEUE}'))")) == 1


def test_a_scan_told_to_wait_while_others_are_being_sent_is_still_sent(scene, phone):
    """One kept scan goes slowly while a new one is told to wait a second: the new one's second
    try comes while the first is still going, and is made once that ends, not forgotten."""
    coordinator = phone("coordinator")
    page = coordinator.page
    page.goto(f"/sessions/{scene['session_id']}/")
    names = _free(scene, 2)
    slow, told = (
        printed_json(scene["env"], PASS.format(username=name, phone=False)) for name in names
    )
    _queued(page, scene, slow)
    sent = []

    def answer(route):
        token = json.loads(route.request.post_data)["pass_token"]
        if token == told and told not in sent:
            sent.append(told)
            route.fulfill(status=429, body=RATE_LIMITED, content_type="application/json")
        elif token == slow:
            page.wait_for_timeout(3000)
            route.continue_()
        else:
            route.continue_()

    page.route("**/pass-checkins", answer)
    page.evaluate(
        """([told, session]) => {
          window.TimeCreditsQueue.flush();
          const scan = {kind: "pass-checkin", pass_token: told, session_id: session};
          window.TimeCreditsQueue.submit(scan);
        }""",
        [told, str(scene["session_id"])],
    )

    deadline = time.monotonic() + 15
    while page.evaluate(f"localStorage.getItem('{QUEUE}')") != "[]":
        assert time.monotonic() < deadline, "a scan still waits"
        page.wait_for_timeout(250)
    after = _contributions(scene)
    assert [after.count(name) for name in names] == [1, 1]


def test_a_scan_told_to_wait_is_not_sent_again_before_its_time(scene, phone):
    """A 429 that says to wait ten minutes is waited for, even when the signal comes back (an
    `online` flush) during the round that was told so."""
    coordinator = phone("coordinator")
    page = coordinator.page
    page.goto(f"/sessions/{scene['session_id']}/")
    _queued(page, scene, scene["cards"]["ben"])

    page.evaluate(
        """(answer) => {
          window.__posts = 0;
          window.fetch = async () => {
            window.__posts += 1;
            window.dispatchEvent(new Event("online"));
            const headers = {"Content-Type": "application/json"};
            return new Response(answer, {status: 429, headers});
          };
          return window.TimeCreditsQueue.flush();
        }""",
        json.dumps(
            {"error": {"code": "rate_limited", "message": "Wait.", "detail": {"retry_after": 600}}}
        ),
    )
    page.wait_for_timeout(1500)

    assert page.evaluate("window.__posts") == 1
    assert len(page.evaluate(f"JSON.parse(localStorage.getItem('{QUEUE}'))")) == 1
