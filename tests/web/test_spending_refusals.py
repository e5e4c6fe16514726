"""Refusals through the page and the API, not only the service: over the member's limit, an
expired code and a closed account each say something a volunteer understands on the page,
give a stable code in the API, and leave every balance as it was."""

import time

import pytest
from django.test import override_settings

from ledger.selectors import member_account
from ledger.services import account_close
from tests.factories import MemberFactory
from tests.spending.balances import snapshot
from tests.spending.conftest import funded_member, make_offer, offer_at_closed_venue, venue_staff
from timecredits.members.passes import pass_token
from timecredits.spending.services.redemptions import (
    redemption_complete,
    redemption_create,
    redemptions_expire,
)


def api_post(client, path, body=None, key="k-1"):
    return client.post(
        path, body or {}, content_type="application/json", headers={"Idempotency-Key": key}
    )


def used_once(venue, programme):
    """A member who has already used an offer allowed once a day."""
    offer = make_offer(venue, title="Swim", member_limit=1, member_limit_period="day")
    member = funded_member(programme)
    first, _ = redemption_create(member=member, offer=offer, idempotency_key="first")
    redemption_complete(actor=venue_staff(venue), venue=venue, code=first.code, idempotency_key="c")
    return member, offer


LIMIT_MESSAGE = "Each member can use this offer once per day, and you already have."


def test_over_the_limit_on_the_offer_page(client, venue, programme):
    member, offer = used_once(venue, programme)
    client.force_login(member.user)
    before = snapshot()

    response = client.post(f"/offers/{offer.pk}/", {"key": "again"})

    assert response.status_code == 409
    assert LIMIT_MESSAGE in response.content.decode()
    assert snapshot() == before


def test_over_a_limit_of_two_a_week_says_so_in_words(client, venue, programme):
    offer = make_offer(venue, title="Gym", member_limit=2, member_limit_period="week")
    member = funded_member(programme)
    for key in ("one", "two"):
        redemption_create(member=member, offer=offer, idempotency_key=key)
    client.force_login(member.user)

    response = client.post(f"/offers/{offer.pk}/", {"key": "three"})

    assert response.status_code == 409
    assert (
        "Each member can use this offer 2 times per week, and you already have."
        in response.content.decode()
    )


def test_over_the_limit_in_the_api(client, venue, programme):
    member, offer = used_once(venue, programme)
    client.force_login(member.user)
    before = snapshot()

    response = api_post(client, "/api/v1/redemptions", {"offer_id": offer.pk})

    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "member_limit_reached",
        "message": LIMIT_MESSAGE,
        "detail": {"limit": 1, "per": "day"},
    }
    assert snapshot() == before


@pytest.fixture
def expired_code(venue, programme):
    with override_settings(REDEMPTION_HOLD_MINUTES=0.005):  # 0.3 seconds
        redemption, _ = redemption_create(
            member=funded_member(programme), offer=make_offer(venue), idempotency_key="k"
        )
    time.sleep(0.4)
    assert redemptions_expire() == 1
    return redemption


EXPIRED_MESSAGE = "This code has expired and its credits have been given back. Ask for a new code."


def test_an_expired_code_on_the_till_page(client, venue, expired_code):
    client.force_login(venue_staff(venue))
    before = snapshot()

    page = client.post(
        f"/organisations/{venue.pk}/redeem/",
        {"form": "code", "code": expired_code.code, "key": "t"},
        follow=True,
    )

    assert page.status_code == 200
    assert EXPIRED_MESSAGE in page.content.decode()
    assert snapshot() == before


def test_an_expired_code_in_the_api(client, venue, expired_code):
    client.force_login(venue_staff(venue))
    before = snapshot()

    response = api_post(
        client, f"/api/v1/organisations/{venue.pk}/redemptions/{expired_code.code}/complete"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "redemption_expired"
    assert response.json()["error"]["message"] == EXPIRED_MESSAGE
    assert snapshot() == before


@pytest.fixture
def closed_venue_offer(programme):
    return offer_at_closed_venue(programme, name="Old Baths")


CLOSED_VENUE = "This venue is not accepting credits at the moment."


def test_a_closed_venue_account_on_the_offer_page(client, programme, closed_venue_offer):
    member = funded_member(programme)
    client.force_login(member.user)
    before = snapshot()

    response = client.post(f"/offers/{closed_venue_offer.pk}/", {"key": "k"})

    assert response.status_code == 409
    assert CLOSED_VENUE in response.content.decode()
    assert snapshot() == before


def test_a_closed_venue_account_in_the_api(client, programme, closed_venue_offer):
    client.force_login(funded_member(programme).user)
    before = snapshot()

    response = api_post(client, "/api/v1/redemptions", {"offer_id": closed_venue_offer.pk})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "account_closed"
    assert response.json()["error"]["message"] == CLOSED_VENUE
    assert snapshot() == before


@pytest.fixture
def closed_member_pass(programme):
    """The pass of a member whose account is closed."""
    member = MemberFactory(programme=programme)
    account_close(account=member_account(member=member))
    member.closed_at = member_account(member=member).closed_at
    member.save(update_fields=["closed_at"])
    return pass_token(member_id=member.pk, pass_version=member.pass_version)


CLOSED_MEMBER = "This member's account is closed."


def test_charging_a_closed_member_s_pass_on_the_till_page(
    client, venue, programme, closed_member_pass
):
    offer = make_offer(venue)
    client.force_login(venue_staff(venue))
    before = snapshot()

    page = client.post(
        f"/organisations/{venue.pk}/redeem/",
        {"form": "charge", "pass_token": closed_member_pass, "offer": offer.pk, "key": "t"},
        follow=True,
    )

    assert page.status_code == 200
    assert CLOSED_MEMBER in page.content.decode().replace("&#x27;", "'")
    assert snapshot() == before


def test_charging_a_closed_member_s_pass_in_the_api(client, venue, programme, closed_member_pass):
    offer = make_offer(venue)
    client.force_login(venue_staff(venue))
    before = snapshot()

    response = api_post(
        client,
        f"/api/v1/organisations/{venue.pk}/charges",
        {"offer_id": offer.pk, "pass_token": closed_member_pass},
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "account_closed"
    assert response.json()["error"]["message"] == CLOSED_MEMBER
    assert snapshot() == before
