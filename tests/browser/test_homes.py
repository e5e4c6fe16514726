"""Each demo role's home in Chromium, on a 360 x 740 phone and 1024 x 768 and 1280 x 900 laptops:
axe-core finds no critical or serious violation, nothing is wider than the screen, buttons and
navigation are 44 x 44 px, the first thing on the screen is the role's work, and on a laptop the
header is one row."""

import pytest

from tests.browser import checks
from tests.browser.phone import PHONE, TIMEOUT, signed_in

SIZES = {
    "phone": PHONE,
    "small laptop": {"viewport": {"width": 1024, "height": 768}},
    "laptop": {"viewport": {"width": 1280, "height": 900}},
}
# Each role, and what its home shows first of its work.
HOMES = {
    "amira": "Credits to spend",
    "coordinator": "Time waiting for verification",
    "groupadmin": "Staff and invitations",
    "venue": "Take a code or pass",
    "programme": "Open the dashboard",
    "commissioner": "Open the dashboard",
}


@pytest.fixture(scope="module")
def homes(browser, server):
    """{(username, size): {check: [finding, ...], "text": the page's text}}, each home looked
    at once."""
    found = {}
    for size, device in SIZES.items():
        for username in HOMES:
            context = browser.new_context(**device, base_url=server.base)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT)
            errors = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            signed_in(page, username)
            response = page.goto("/", wait_until="load")
            found[(username, size)] = {
                "status": response.status,
                "axe": checks.axe_violations(page),
                "overflow": checks.overflow(page),
                "targets": checks.small_targets(page),
                "errors": errors,
                "text": page.inner_text("main"),
                "header_height": page.eval_on_selector(
                    ".header-inner", "e => e.getBoundingClientRect().height"
                ),
            }
            context.close()
    return found


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("username", HOMES)
def test_a_roles_home_passes_the_checks_and_shows_its_work(homes, username, size):
    home = homes[(username, size)]

    assert home["status"] == 200
    assert home["axe"] == []
    assert home["overflow"] == []
    assert home["targets"] == []
    assert home["errors"] == []
    assert HOMES[username] in home["text"]


@pytest.mark.parametrize("size", ["small laptop", "laptop"])
@pytest.mark.parametrize("username", HOMES)
def test_on_a_laptop_the_header_is_one_row(homes, username, size):
    # The brand, the menu and the account links fit in one row of 44 px targets (it was two
    # rows for a member, the account links alone on the second, at every laptop width).
    assert homes[(username, size)]["header_height"] < 70


def test_the_settings_page_passes_the_checks_on_a_phone(browser, server):
    context = browser.new_context(**PHONE, base_url=server.base)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    signed_in(page, "groupadmin")
    page.goto("/")
    page.get_by_role("link", name="Settings").click()
    page.wait_for_url("**/settings/")

    found = (checks.axe_violations(page), checks.overflow(page), checks.small_targets(page))
    # Saved as it is: the other browser tests check in at this group, and expect no auto-approval.
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    saved = page.inner_text("main")
    context.close()

    assert found == ([], [], [])
    assert "Settings saved." in saved
