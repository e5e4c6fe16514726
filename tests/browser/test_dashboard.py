"""The programme's report pages as a commissioner sees them, at a phone's size and a desktop's:
the dashboard (as it opens and with a filter applied), the outcomes and the valuation pages pass
axe-core (no critical or serious violation), nothing is wider than the screen, buttons and
navigation are 44 x 44 px; the filters panel is shut on the phone and a sidebar on the desktop."""

import pytest

from tests.browser import checks
from tests.browser.phone import PHONE, TIMEOUT, signed_in

SIZES = {"phone": PHONE, "desktop": {"viewport": {"width": 1280, "height": 900}}}
PAGES = {
    "dashboard": "",
    "dashboard, filtered": "?period=month&activity_type=befriending",
    "outcomes": "outcomes/",
    "valuation": "valuation/",
}
CHECKS = {
    "axe": checks.axe_violations,
    "overflow": checks.overflow,
    "targets": checks.small_targets,
}


@pytest.fixture(scope="module")
def reports(server) -> str:
    """The commissioner's dashboard: /programmes/<id>/reports/."""
    return next(p for p in server.data["starts"]["commissioner"] if p.endswith("/reports/"))


@pytest.fixture(scope="module")
def commissioner_at(browser, server):
    """A signed-in commissioner's page at each size, made once."""
    made, contexts = {}, []

    def page_at(size):
        if size not in made:
            context = browser.new_context(**SIZES[size], base_url=server.base)
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT)
            made[size] = signed_in(page, "commissioner")
        return made[size]

    yield page_at
    for context in contexts:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_report_pages_pass_the_checks_at_each_size(commissioner_at, reports, size):
    page = commissioner_at(size)
    failures = []
    for name, path in PAGES.items():
        response = page.goto(reports + path)
        assert response.status == 200, (name, response.status)
        for check, run in CHECKS.items():
            failures += [f"{name}: {check}: {finding}" for finding in run(page)]

    assert not failures, "\n".join(failures)


def test_on_a_phone_the_filters_are_shut_behind_their_summary(commissioner_at, reports):
    page = commissioner_at("phone")
    page.goto(reports + "?period=month&activity_type=befriending")

    panel = page.locator("details.filters-panel")
    assert panel.evaluate("el => el.open") is False
    assert page.locator("details.filters-panel > summary").inner_text() == (
        "Period and filters (1 on)"
    )
    assert not page.locator("#id_activity_type").is_visible()
    # The headline figures come first, on the first screen.
    assert page.locator("ul.tiles li").first.bounding_box()["y"] < 740

    page.locator("details.filters-panel > summary").click()

    assert page.locator("#id_activity_type").is_visible()


def test_on_a_desktop_the_filters_are_a_sidebar_beside_the_figures(commissioner_at, reports):
    page = commissioner_at("desktop")
    page.goto(reports)

    panel = page.locator("details.filters-panel").bounding_box()
    body = page.locator(".dashboard-body").bounding_box()
    assert page.locator("details.filters-panel").evaluate("el => el.open") is True
    assert page.locator("#id_period").is_visible()
    assert panel["x"] + panel["width"] <= body["x"]
    assert panel["y"] < body["y"] + 50  # side by side, not one over the other
    assert panel["width"] < 320
