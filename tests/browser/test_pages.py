"""Every page a member, a coordinator and venue staff reach, at a phone's size in Chromium:
axe-core finds no critical or serious violation, nothing is wider than the 360 px screen,
buttons and navigation are 44 x 44 px, other links at least 24 px tall, and the browser logs no
error. (The issue 14 acceptance; tests/browser/test_csp.py walks the same way for the
Content-Security-Policy.)

Each role signs in and walks the links from its start pages (tests/web/pages.py), breadth
first, at most PAGES_PER_ROLE pages, leaving out downloads, the API and the admin. The walk runs
once per role; each check then reports every page's failures in one message."""

import pytest

from tests.browser import checks
from tests.browser.phone import TIMEOUT, signed_in, signed_out_starts, walk

ROLES = {"member": "amira", "coordinator": "coordinator", "venue": "venue", "signed out": None}
CHECKS = {
    "axe": checks.axe_violations,
    "overflow": checks.overflow,
    "targets": checks.small_targets,
}


def _walk(browser, context_args, username, starts) -> dict[str, dict[str, list[str]]]:
    """{path: {check: [finding, ...]}} for each page the role reaches."""
    context = browser.new_context(**context_args)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    logged = []
    page.on("console", lambda m: m.type == "error" and logged.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: logged.append(f"script error: {error}"))
    if username:
        signed_in(page, username)
    found = {}
    logged.clear()
    for response in walk(page, starts):
        path = response.url.removeprefix(context_args["base_url"])
        found[path] = {name: check(page) for name, check in CHECKS.items()}
        if response.status >= 400:
            logged.append(f"HTTP {response.status}")
        found[path]["console"] = list(logged)
        logged.clear()
    context.close()
    return found


@pytest.fixture(scope="module")
def walks(browser, browser_context_args, server):
    done = {}

    def walked(role):
        if role not in done:
            username = ROLES[role]
            if username is None:
                starts = signed_out_starts(server.data)
            else:
                starts = server.data["starts"][username]
            done[role] = _walk(browser, browser_context_args, username, starts)
        return done[role]

    return walked


@pytest.mark.parametrize("check", [*CHECKS, "console"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_passes_the_check(walks, role, check):
    pages = walks(role)
    failures = [
        f"{path}\n    " + "\n    ".join(findings[check])
        for path, findings in pages.items()
        if findings[check]
    ]

    assert len(pages) >= (3 if ROLES[role] is None else 5), sorted(pages)
    assert not failures, (
        f"{check}: {len(failures)} of {len(pages)} pages {role} reaches fail\n"
        + "\n".join(failures)
    )
