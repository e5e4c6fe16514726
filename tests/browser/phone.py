"""What the browser tests and `make screens` share: the phone, signing in, and walking the pages
a person reaches from their start pages."""

from collections import deque
from collections.abc import Iterator

from playwright.sync_api import Page, Response

from tests.web.pages import PAGES_PER_ROLE, SKIP, links
from timecredits.ops.demo import DEMO_PASSWORD

# A small Android phone: 360 x 740 CSS pixels at twice the density, touch, mobile layout.
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
# Every wait is bounded by this (milliseconds); nothing sleeps for a fixed time.
TIMEOUT = 10_000


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


def walk(page: Page, starts: list[str], limit: int = PAGES_PER_ROLE) -> Iterator[Response]:
    """Visit the start pages and the same-site pages they link to, breadth first, at most
    `limit` HTML pages, leaving out downloads, the API and the admin (tests/web/pages.py);
    yields each page's response once it has loaded, for the caller to look at the page."""
    starts = [path for path in starts if not SKIP.search(path)]
    seen, queue, shown = set(starts), deque(starts), 0
    while queue and shown < limit:
        path = queue.popleft()
        response = page.goto(path, wait_until="load")
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        shown += 1
        yield response
        fresh = [link for link in links(page.content()) if link not in seen]
        seen.update(fresh)
        queue.extend(fresh)


def signed_out_starts(data: dict) -> list[str]:
    """Where someone not signed in starts: home, sign-in, join and a poster's check-in link."""
    return ["/", "/sign-in/", "/join/", f"/c/{data['checkins']['join']['token']}"]


# Registers the service worker as the app does on every page it loads (timecredits/static/js/
# app.js), and waits up to `ms` for it to be active: an install that failed (a precached file
# not fetched on a loaded machine) is started again, as the next page a phone opened would.
# Each wait is bounded, a registration that stalls too. Answers the worker's last state.
WORKER_ACTIVATED = """async (ms) => {
  const until = Date.now() + ms;
  const wait = (t) => new Promise((wake) => setTimeout(wake, Math.max(t, 0)));
  let state = "none";
  while (Date.now() < until) {
    const registering = navigator.serviceWorker.register("/sw.js", { scope: "/" });
    await Promise.race([registering.catch(() => null), wait(until - Date.now())]);
    const found = await navigator.serviceWorker.getRegistration();
    const worker = found && (found.installing || found.waiting || found.active);
    state = worker ? worker.state : "none";
    if (state === "activated") break;
    await wait(100);
  }
  return state;
}"""


def app_ready_for_no_signal(page: Page) -> None:
    """Wait until the service worker is active and in control of the page, as on a phone that
    has opened the app online before. Its precache holds the scanner's decoder, which the page
    loads when the first code is read: with no network, and no worker in control, it cannot."""
    state = page.evaluate(WORKER_ACTIVATED, 3 * TIMEOUT)
    assert state == "activated", f"the service worker did not start: {state}"
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller?.state === 'activated'")
