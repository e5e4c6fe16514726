"""The real-browser suite: Debian's Chromium, driven by pytest-playwright, against one live
server (runserver with WhiteNoise on a seeded SQLite database of its own) at a phone's size.

Playwright's sync API keeps an asyncio loop marked as running while it is started, and Django
refuses database work under a running loop (SynchronousOnlyOperation). So the plugin's
session-wide `playwright` and `browser` are replaced here by ones scoped to this package: they
stop when the suite leaves tests/browser, before any later test touches the test database. The
plugin's `context`/`page` fixtures, its command-line options (--headed, --slowmo, --tracing,
--screenshot) and its failure artifacts all still work.
"""

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.data import PRINT
from tests.browser.phone import PHONE, TIMEOUT
from tests.e2e.stack import CHROMIUM, SeededServer, chromium_or_skip

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
