"""The Content-Security-Policy in a real browser: every page each demo role reaches loads with no
violation, and the static files WhiteNoise serves carry the page headers.

The browser suite's live server (runserver with WhiteNoise, as `make run` has it, on a seeded
SQLite database of its own; tests/browser/conftest.py) and its Chromium, through Playwright. Each
role signs in on the form and walks the links from the pages tests/web/pages.py names, as
tests/web/test_security_headers.py does with Django's client. Violations are caught twice: the
browser's own console report and a `securitypolicyviolation` listener added before any page script
runs. A script or stylesheet that fails to load counts too, since a page that lost its script
passes any policy.
"""

import urllib.request
from collections import deque

import pytest

from tests.web.pages import PAGES_PER_ROLE, links
from tests.web.test_security_headers import POLICY, policy_of
from timecredits.ops.demo import DEMO_PASSWORD

SIGNED_OUT = ["/", "/sign-in/", "/join/", "/admin/login/"]
LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  (window.__violations = window.__violations || []).push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


@pytest.fixture(scope="module")
def site(server):
    """The live server's address, and each demo role's start pages."""
    return {"base": server.base, "starts": server.data["starts"]}


def _browsing(browser, base):
    context = browser.new_context(base_url=base)
    context.add_init_script(LISTENER)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    page.on(
        "response",
        lambda r: "/static/" in r.url and r.status >= 400 and refused.append(f"{r.status} {r.url}"),
    )
    return context, page, refused


def _signed_in(browser, base, username):
    context, page, refused = _browsing(browser, base)
    page.goto("/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert page.locator("header .who").count() == 1, f"{username} did not sign in"
    return context, page, refused


def _visit(page, path) -> tuple[int, str, dict]:
    response = page.goto(path, wait_until="load")
    if path.startswith("/api/v1/docs"):
        # Swagger UI draws itself from the OpenAPI document after the page has loaded.
        page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    header = response.header_value("content-security-policy")
    return response.status, response.text(), policy_of({"Content-Security-Policy": header})


def test_the_browser_refuses_nothing_on_any_page_a_demo_role_reaches(site, browser):
    violations, visited = [], {}
    for username, starts in [(None, SIGNED_OUT), *site["starts"].items()]:
        if username is None:
            context, page, refused = _browsing(browser, site["base"])
        else:
            context, page, refused = _signed_in(browser, site["base"], username)
        seen, queue = set(starts), deque(starts)
        while queue and len(visited.setdefault(username, [])) < PAGES_PER_ROLE:
            path = queue.popleft()
            status, html, policy = _visit(page, path)
            visited[username].append((path, status))
            # No violation proves nothing if the browser was given no policy to enforce.
            assert policy == POLICY, f"{username} {path}"
            caught = page.evaluate("window.__violations || []") + refused
            violations += [f"{username} {path}: {v}" for v in caught]
            refused.clear()
            if "<html" in html[:200].lower():
                fresh = [link for link in links(html) if link not in seen]
                seen.update(fresh)
                queue.extend(fresh)
        context.close()

    assert violations == []
    assert all(status < 500 for pages in visited.values() for _, status in pages), visited
    assert sum(len(pages) for pages in visited.values()) >= 60, visited


def test_the_listener_does_catch_what_the_policy_refuses(site, browser):
    """The check above could pass by seeing nothing; here a refused image must be reported."""
    context, page, refused = _signed_in(browser, site["base"], "amira")
    assert _visit(page, "/me/")[2] == POLICY

    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<img src=\"https://example.invalid/x.png\">')"
        )
    page.wait_for_function("(window.__violations || []).length > 0", timeout=5_000)

    assert page.evaluate("window.__violations")[0].startswith("img-src blocked https://")
    assert any("img-src" in line for line in refused), refused
    context.close()


@pytest.mark.parametrize("path", ["/static/css/site.css", "/static/js/print.js"])
def test_whitenoise_serves_static_files_with_the_page_headers(site, path):
    with urllib.request.urlopen(f"{site['base']}{path}", timeout=10) as response:
        status, headers = response.status, response.headers

    assert status == 200
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert policy_of(headers) == POLICY
    assert "public" in headers["Cache-Control"]
