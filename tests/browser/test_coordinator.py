"""A coordinator's work in a real browser, on a phone (360 x 740) and a laptop (1280 x 900): the
sessions list (coming up, past in one tap, filters), the verification queue (tick two rows and
approve them, approve one in a tap, change the hours of one), attendance by scanning member
cards at the door (each named and counted, a card scanned twice or replaced said plainly, a code
typed as the fallback) and the door screen's code that changes without reloading the page.

Every page passes axe-core (no critical or serious violation), fits the width and has 44 px
targets; the browser logs no error. The suite's live server (tests/browser/conftest.py), with
what SETUP adds to its database: past sessions with time waiting, a session happening now and
member cards.
"""

import json

import pytest
import qrcode
from playwright.sync_api import expect

from tests.browser import checks
from tests.browser.phone import PHONE, TIMEOUT
from tests.e2e.stack import manage, printed_json
from timecredits.ops.demo import DEMO_PASSWORD

SIZES = {
    "phone": PHONE,
    "laptop": {"viewport": {"width": 1280, "height": 900}},
}
# For each size, a past session with four people's time waiting; a session happening now; the
# printed cards of two members and a card that was replaced; another member's code to type.
SETUP = """
import datetime, json
from django.utils import timezone
from timecredits.activities.models import Activity, Contribution, Session
from timecredits.members.models import Member
from timecredits.members.passes import pass_token

now = timezone.now()
activity = Activity.objects.get(title="Lunch club kitchen")
people = {m.user.username: m for m in Member.objects.select_related("user")}
waiting = {}
for days, size in ((3, "phone"), (4, "laptop")):
    start = (now - datetime.timedelta(days=days)).replace(hour=3, minute=0, second=0, microsecond=0)
    past = Session.objects.create(
        activity=activity, starts_at=start, ends_at=start + datetime.timedelta(hours=2),
        location="Back kitchen",
    )
    rows = {}
    for minutes, username in zip((60, 90, 45, 120), ("amira", "carys", "dev", "ela")):
        member = people[username]
        rows[username] = Contribution.objects.create(
            member=member, session=past, method="poster", status="pending",
            checked_in_at=start, checked_out_at=start + datetime.timedelta(minutes=minutes),
            minutes=minutes, synced_late=username == "dev",
        ).pk
    waiting[size] = {"session_id": past.pk, "rows": rows}
door = Session.objects.create(
    activity=activity, starts_at=now - datetime.timedelta(minutes=5),
    ends_at=now + datetime.timedelta(hours=2), location="Front door",
)
iris, jon, kay = people["iris"], people["jon"], people["kay"]
print(json.dumps({
    "organisation_id": activity.organisation_id,
    "activity_id": activity.pk,
    "waiting": waiting,
    "door": door.pk,
    "cards": {
        "iris": pass_token(member_id=iris.pk, pass_version=iris.pass_version),
        "jon": pass_token(member_id=jon.pk, pass_version=jon.pass_version),
        "replaced": pass_token(member_id=kay.pk, pass_version=kay.pass_version + 1),
    },
    "lin": people["lin"].code,
}))
"""
STATE = """
import json
from ledger.models import Transfer
from timecredits.activities.models import Contribution
ids = {ids}
print(json.dumps({{
    "status": {{str(c.pk): [c.status, c.minutes] for c in Contribution.objects.filter(pk__in=ids)}},
    "earned": {{str(t.cause_id): t.amount for t in Transfer.objects.filter(
        kind="earn", cause_type="contribution", cause_id__in=ids)}},
    "door": sorted(Contribution.objects.filter(session_id={door}).values_list(
        "member__user__username", flat=True)),
}}))
"""


@pytest.fixture(scope="module")
def scene(server, tmp_path_factory):
    return {
        "base": server.base,
        "env": server.env,
        "folder": tmp_path_factory.mktemp("coordinator"),
        **printed_json(server.env, SETUP),
    }


def state(scene, ids=()) -> dict:
    script = STATE.format(ids=list(ids), door=scene["door"])
    return json.loads(manage(scene["env"], "shell", "-c", script).stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def signed_in_state(browser, scene):
    """The coordinator's signed-in cookies, from one sign-in on the form: each test's browser
    context starts with them (signing in for each would be slow, and the form is throttled)."""
    context = browser.new_context(base_url=scene["base"], **PHONE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT * 3)
    page.goto("/sign-in/")
    page.fill("input[name=username]", "coordinator")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    state = context.storage_state()
    context.close()
    return state


def open_page(browser, scene, state, size: str):
    context = browser.new_context(base_url=scene["base"], storage_state=state, **SIZES[size])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.problems = []
    page.size = size
    page.on("pageerror", lambda e: page.problems.append(f"script error: {e}"))
    # A refused scan is answered with a 4xx on purpose, which the console reports as a failed
    # load; the door scan test checks the answers themselves.
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")
            and page.problems.append(f"console: {m.text}")
        ),
    )
    return context, page


@pytest.fixture(params=list(SIZES))
def coordinator(request, browser, scene, signed_in_state):
    """The coordinator, signed in, at one size: the page, and every error the browser logged."""
    context, page = open_page(browser, scene, signed_in_state, request.param)
    yield page
    context.close()


def looks_right(page) -> None:
    """The page passes axe-core, fits the width, has thumb-sized targets, and logged no error."""
    found = {
        "axe": checks.axe_violations(page),
        "overflow": checks.overflow(page),
        "targets": checks.small_targets(page),
        "console": page.problems,
    }
    assert {name: problems for name, problems in found.items() if problems} == {}, page.url


# The sessions list


def test_past_sessions_are_one_tap_from_the_list_and_filter_by_activity(coordinator, scene):
    page = coordinator
    page.goto(f"/organisations/{scene['organisation_id']}/sessions/")
    assert page.get_by_role("link", name="Coming up").get_attribute("aria-current") == "page"
    looks_right(page)

    page.get_by_role("link", name="Past", exact=True).click()
    page.wait_for_url("**?when=past")
    past = page.locator(
        f"ul.session-list a[href='/sessions/{scene['waiting']['phone']['session_id']}/']"
    )
    assert past.count() == 1
    looks_right(page)

    page.get_by_text("Filter by date or activity").click()
    page.locator("#id_activity").select_option(str(scene["activity_id"]))
    page.get_by_role("button", name="Show sessions").click()
    page.wait_for_url(f"**activity={scene['activity_id']}**")
    titles = page.locator("ul.session-list .list-link").all_inner_texts()
    assert titles and set(titles) == {"Lunch club kitchen"}
    assert page.get_by_role("link", name="Past", exact=True).get_attribute("aria-current") == "page"
    looks_right(page)

    with page.expect_navigation():
        page.locator("ul.session-list .list-link").first.click()
    assert page.url.startswith(f"{scene['base']}/sessions/")


# The queue


def test_tick_two_rows_and_approve_them_together(coordinator, scene):
    page = coordinator
    rows = scene["waiting"][page.size]["rows"]
    page.goto(f"/organisations/{scene['organisation_id']}/verify/")
    looks_right(page)
    bulk = page.locator("[data-bulk-button]")

    def says():
        return " ".join(bulk.inner_text().split())

    page.locator(f"#pick{rows['amira']}").check()
    page.locator(f"#pick{rows['carys']}").check()
    assert says() == "Approve selected (2)"
    with page.expect_navigation():
        bulk.click()

    notice = page.locator(".messages").inner_text()
    assert "Approved 2 people's time: Amira Hassan" in notice
    assert "Their credits are posted." in notice
    assert page.locator(f"#pick{rows['amira']}").count() == 0
    done = state(scene, [rows["amira"], rows["carys"]])
    assert done["status"] == {
        str(rows["amira"]): ["approved", 60],
        str(rows["carys"]): ["approved", 90],
    }
    assert done["earned"] == {str(rows["amira"]): 60, str(rows["carys"]): 90}
    looks_right(page)


def test_select_all_ticks_every_row_and_counts_them(coordinator, scene):
    page = coordinator
    page.goto(f"/organisations/{scene['organisation_id']}/verify/")
    boxes = page.locator("input[name=contributions]")
    bulk = page.locator("[data-bulk-button]")

    page.get_by_role("button", name="Select all").click()

    assert boxes.count() > 0
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    assert " ".join(bulk.inner_text().split()) == f"Approve selected ({boxes.count()})"
    page.get_by_role("button", name="Select none").click()
    assert " ".join(bulk.inner_text().split()) == "Approve selected"


def test_one_tap_approves_a_row(coordinator, scene):
    page = coordinator
    row = scene["waiting"][page.size]["rows"]["dev"]
    page.goto(f"/organisations/{scene['organisation_id']}/verify/")

    with page.expect_navigation():
        page.locator(f"li:has(#pick{row}) .queue-approve button").click()

    assert "Approved: Dev Patel" in page.locator(".messages").inner_text()
    assert state(scene, [row])["earned"] == {str(row): 45}


def test_change_the_hours_with_a_reason_and_approve(coordinator, scene):
    page = coordinator
    row = scene["waiting"][page.size]["rows"]["ela"]
    page.goto(f"/organisations/{scene['organisation_id']}/verify/")
    item = page.locator(f"li:has(#pick{row})")

    item.get_by_text("Change hours or reject").click()
    assert item.get_by_label("Hours", exact=True).input_value() == "2"
    looks_right(page)
    item.get_by_label("Hours", exact=True).fill("1.5")
    item.get_by_label("Reason", exact=True).fill("Left after lunch")
    with page.expect_navigation():
        item.get_by_role("button", name="Approve these hours").click()

    assert "Approved: Ela Nowak" in page.locator(".messages").inner_text()
    assert state(scene, [row])["status"] == {str(row): ["approved", 90]}


# At the door


def _card(scene, name: str):
    path = scene["folder"] / f"{name}.png"
    qrcode.make(f"{scene['base']}/p/{scene['cards'][name]}").save(path)
    return str(path)


def test_scanning_cards_at_the_door_names_and_counts_each_member(browser, scene, signed_in_state):
    context, page = open_page(browser, scene, signed_in_state, "phone")
    page.goto(f"/sessions/{scene['door']}/")
    count = page.locator("[data-door-count]")
    status = page.locator("[data-scanner-result]")
    log = page.locator("[data-scanner-log] li")
    assert count.inner_text() == "0"

    for name, full in (("iris", "Iris Walsh"), ("jon", "Jon Evans")):
        with page.expect_response(lambda r: "/pass-checkins" in r.url) as answered:
            page.set_input_files("[data-scanner-file]", _card(scene, name))
        assert answered.value.status == 201
        status.filter(has_text=full).wait_for()
    assert count.inner_text() == "2"
    assert log.all_inner_texts()[1].startswith("Iris Walsh: Checked in")
    assert log.all_inner_texts()[0].startswith("Jon Evans: Checked in")

    # The same card again, after the camera's own repeat guard: said plainly, not counted twice.
    page.wait_for_timeout(4100)
    with page.expect_response(lambda r: "/pass-checkins" in r.url) as answered:
        page.set_input_files("[data-scanner-file]", _card(scene, "iris"))
    assert answered.value.status == 200
    status.filter(has_text="Iris Walsh: Already checked in").wait_for()
    assert "warning" in status.get_attribute("class")
    assert count.inner_text() == "2"

    with page.expect_response(lambda r: "/pass-checkins" in r.url) as answered:
        page.set_input_files("[data-scanner-file]", _card(scene, "replaced"))
    assert answered.value.status == 422
    status.filter(has_text="This member card has been replaced").wait_for()
    assert count.inner_text() == "2"
    assert state(scene)["door"] == ["iris", "jon"]
    assert page.problems == []
    context.close()


def test_a_typed_member_code_is_the_fallback_at_the_door(coordinator, scene):
    page = coordinator
    page.goto(f"/sessions/{scene['door']}/")
    looks_right(page)
    before = int(page.locator("[data-door-count]").inner_text())
    typed = scene["lin"] if page.size == "phone" else "NOSUCH99"

    page.fill("#door-code", typed)
    with page.expect_navigation():
        page.locator("#door-code").press("Enter")

    if page.size == "phone":
        assert "Added 1 person" in page.locator(".messages").inner_text()
        assert "Lin Zhou" in page.locator(".messages").inner_text()
        assert int(page.locator("[data-door-count]").inner_text()) == before + 1
    else:
        assert "NOSUCH99" in page.locator(".field-error").inner_text()
        assert int(page.locator("[data-door-count]").inner_text()) == before


# The door screen


def test_the_door_screen_fetches_a_new_code_without_reloading(coordinator, scene):
    page = coordinator
    page.goto(f"/sessions/{scene['door']}/kiosk/")
    assert page.locator("meta[http-equiv]").count() == 0
    page.evaluate("window.__stayed = true")
    first = page.locator("[data-kiosk-qr]").inner_html()

    with page.expect_response(lambda r: r.url.endswith("/kiosk/code/")) as answered:
        page.get_by_role("link", name="Show a new code").click()

    assert answered.value.status == 200
    assert page.evaluate("window.__stayed") is True
    page.wait_for_function("() => document.querySelector('[data-kiosk-qr] svg') !== null")
    assert first.startswith("<svg")
    assert page.problems == []


def test_the_door_screen_says_so_when_the_connection_hangs_and_recovers(coordinator, scene):
    """Signal bars but no data at the door: the new code's request never answers. The screen
    says the connection is gone within seconds rather than waiting on it, and tries again."""
    page = coordinator
    hanging = []
    page.route("**/kiosk/code/", lambda route: hanging.append(route))  # never answered
    page.goto(f"/sessions/{scene['door']}/kiosk/")
    status = page.locator("[data-kiosk-status]")

    page.get_by_role("link", name="Show a new code").click()

    expect(status).to_contain_text("No connection", timeout=12_000)
    assert hanging
    page.unroute("**/kiosk/code/")
    with page.expect_response(lambda r: r.url.endswith("/kiosk/code/"), timeout=12_000) as next_try:
        expect(status).to_have_text("", timeout=12_000)
    assert next_try.value.status == 200
