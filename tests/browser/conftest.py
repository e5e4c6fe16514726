"""The real-browser suite: Debian's Chromium, driven by pytest-playwright, against one live
server (runserver with WhiteNoise on a seeded SQLite database of its own) at a phone's size.

Playwright's sync API keeps an asyncio loop marked as running while it is started, and Django
refuses database work under a running loop (SynchronousOnlyOperation). So the plugin's
session-wide `playwright` and `browser` are replaced here by ones scoped to this package: they
stop when the suite leaves tests/browser, before any later test touches the test database. The
plugin's `context`/`page` fixtures, its command-line options (--headed, --slowmo, --tracing,
--screenshot) and its failure artifacts all still work.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.data import PRINT
from tests.e2e.stack import CHROMIUM, SeededServer, chromium_or_skip
from timecredits.ops.demo import DEMO_PASSWORD

# A small Android phone: 360 x 740 CSS pixels at twice the density, touch, mobile layout.
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
# Every wait in the suite is bounded by this (milliseconds); nothing sleeps for a fixed time.
TIMEOUT = 10_000
expect.set_options(timeout=TIMEOUT)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The live server: `.base` its address, `.data` what tests/browser/data.py made."""
    with SeededServer(tmp_path_factory.mktemp("browser"), prepare=PRINT) as seeded:
        yield seeded


@pytest.fixture(scope="package")
def playwright():
    chromium_or_skip()
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="package")
def browser(playwright, browser_type_launch_args):
    chromium = playwright.chromium.launch(**browser_type_launch_args, executable_path=CHROMIUM)
    yield chromium
    chromium.close()


@pytest.fixture(scope="package")
def browser_context_args(server):
    return {**PHONE, "base_url": server.base}


@pytest.fixture
def phone(page) -> Page:
    """A page in a fresh phone-sized context (the plugin's `page`, sized by
    `browser_context_args`), with bounded waits."""
    page.set_default_timeout(TIMEOUT)
    page.set_default_navigation_timeout(TIMEOUT)
    return page


def signed_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> Page:
    """Sign in on the form, as a person would; the page ends wherever the site sends them."""
    page.goto("/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    cookies = {c["name"] for c in page.context.cookies()}
    assert "sessionid" in cookies and "/sign-in/" not in page.url, f"{username} did not sign in"
    return page


VENDOR = Path(__file__).parent / "vendor"
