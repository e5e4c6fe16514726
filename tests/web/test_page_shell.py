"""The page shell every page shares: the bottom tab bar (and the same links in the header) shows
each person the places of their own work, marks the page they are on, and flash messages are
notices, not list items outside a list."""

import re

import pytest

from partners.models import StaffMembership
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    StaffMembershipFactory,
    coordinator_taking_part,
)

pytestmark = pytest.mark.django_db


def _tabbar(html: str) -> list[tuple[str, str, bool]]:
    """(href, label, current) for each tab bar item."""
    bar = re.search(r'<nav class="tabbar"[^>]*>(.*?)</nav>', html, flags=re.S)
    if bar is None:
        return []
    return [
        (href, re.sub(r"<[^>]+>", "", label).strip(), bool(current))
        for href, current, label in re.findall(
            r'<a href="([^"]+)"( aria-current="page")?>(.*?)</a>', bar.group(1), flags=re.S
        )
    ]


def test_a_member_has_home_pass_and_credits_and_the_page_they_are_on_is_marked(client):
    member = MemberFactory()
    client.force_login(member.user)

    tabs = _tabbar(client.get("/me/credits/").content.decode())

    labels = [label for _href, label, _current in tabs]
    assert labels[0] == "Home" and "Pass" in labels and "Credits" in labels
    assert [label for _href, label, current in tabs if current] == ["Credits"]
    assert ("/me/pass/", "Pass", False) in tabs


def test_a_page_that_names_its_tab_marks_it_even_away_from_the_tabs_own_address(client):
    member = MemberFactory()
    client.force_login(member.user)

    tabs = _tabbar(client.get("/offers/").content.decode())

    assert [label for _href, label, current in tabs if current] == ["Credits"]


def test_a_coordinator_gets_their_sessions_and_verification_and_no_member_tabs(client):
    coordinator = coordinator_taking_part()
    client.force_login(coordinator.user)
    organisation = coordinator.organisation.pk

    tabs = _tabbar(client.get("/").content.decode())

    assert [href for href, _label, _current in tabs] == [
        "/",
        f"/organisations/{organisation}/sessions/",
        f"/organisations/{organisation}/verify/",
    ]
    assert tabs[0][2]  # home is the page


def test_venue_staff_get_the_till_and_their_offers(client):
    staff = StaffMembershipFactory(
        organisation=OrganisationFactory(kind="venue"), role=StaffMembership.Role.VENUE_STAFF
    )
    client.force_login(staff.user)
    venue = staff.organisation.pk

    tabs = _tabbar(client.get(f"/organisations/{venue}/offers/").content.decode())

    assert [(href, current) for href, _label, current in tabs] == [
        ("/", False),
        (f"/organisations/{venue}/redeem/", False),
        (f"/organisations/{venue}/offers/", True),
    ]


def test_someone_signed_out_gets_no_tab_bar_and_a_welcome_with_join_and_sign_in(client):
    html = client.get("/").content.decode()

    assert _tabbar(html) == []
    assert 'href="/join/"' in html and 'href="/sign-in/"' in html


def test_flash_messages_are_notices_not_stray_list_items(client):
    member = MemberFactory()
    client.force_login(member.user)

    response = client.post("/me/card/replace/", follow=True)

    html = response.content.decode()
    messages = re.search(r'<div class="messages">(.*?)</div>', html, flags=re.S)
    assert messages is not None
    assert '<p class="notice success" role="status">' in messages.group(1)
    assert "<li" not in messages.group(1)


def test_every_page_carries_the_csrf_token_and_theme_colour_for_scripts_and_phones(client):
    html = client.get("/").content.decode()

    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    assert '<meta name="theme-color" content="#0b5d3b"' in html
