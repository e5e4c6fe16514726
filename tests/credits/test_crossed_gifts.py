"""Two members gifting each other at the same moment (PostgreSQL): every gift lands once, no
deadlock reaches anyone, and the ledger still adds up. Issue 12, finding 1."""

import pytest
from django.db import connections
from django.test import Client, override_settings

from ledger.models import Transfer
from ledger.verify import ledger_verify
from tests.factories import MemberFactory, ProgrammeFactory
from tests.racing import race
from timecredits.credits.services.gifts import gift_to_member

from .conftest import balance, earn

EACH_WAY = 20
OPENING = 60 * 60


def _pair():
    programme = ProgrammeFactory()
    one, other = MemberFactory(programme=programme), MemberFactory(programme=programme)
    earn(one, OPENING)
    earn(other, OPENING)
    return one, other


def _gift_calls(one, other):
    """20 gifts each way, of 1 to 20 minutes, keyed by direction and number."""
    calls = []
    for n in range(1, EACH_WAY + 1):
        for giver, recipient in ((one, other), (other, one)):
            calls.append(
                lambda g=giver, r=recipient, n=n: gift_to_member(
                    actor=g.user, recipient=r, minutes=n, idempotency_key=f"crossed-{n}"
                )
            )
    return calls


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(CREDITS_DAILY_GIFT_LIMIT_MINUTES=OPENING)
def test_twenty_gifts_each_way_at_once_all_land_once():
    one, other = _pair()

    outcomes = race(_gift_calls(one, other))

    assert [code for code, _ in outcomes] == ["ok"] * 2 * EACH_WAY
    gifts = Transfer.objects.filter(kind="gift")
    assert gifts.count() == 2 * EACH_WAY
    assert sorted(gifts.values_list("amount", flat=True)) == sorted(
        list(range(1, EACH_WAY + 1)) * 2
    )
    # Both gave the same amounts, so both end where they began.
    assert (balance(one), balance(other)) == (OPENING, OPENING)
    assert ledger_verify().problems == []

    # Each key replayed returns the original gift and moves nothing.
    replays = [call() for call in _gift_calls(one, other)]
    assert sorted(t.pk for t in replays) == sorted(t.pk for _, t in outcomes)
    assert Transfer.objects.filter(kind="gift").count() == 2 * EACH_WAY
    assert (balance(one), balance(other)) == (OPENING, OPENING)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(CREDITS_DAILY_GIFT_LIMIT_MINUTES=OPENING)
def test_twenty_gifts_each_way_through_the_api_are_all_201():
    one, other = _pair()
    clients = []
    for n in range(1, EACH_WAY + 1):
        for giver, recipient in ((one, other), (other, one)):
            client = Client(raise_request_exception=False)
            client.force_login(giver.user)
            clients.append((client, recipient.code, n))

    def send(client, code, n):
        return client.post(
            "/api/v1/gifts",
            {"member_code": code, "minutes": n},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"api-crossed-{n}",
        )

    outcomes = race([lambda c=c: send(*c) for c in clients])

    responses = [response for _, response in outcomes]
    assert [r.status_code for r in responses] == [201] * 2 * EACH_WAY, [
        r.content[:200] for r in responses if r.status_code != 201
    ]
    assert Transfer.objects.filter(kind="gift").count() == 2 * EACH_WAY
    assert (balance(one), balance(other)) == (OPENING, OPENING)
    assert ledger_verify().problems == []

    again = [send(*c) for c in clients]
    assert [r.json()["transfer_id"] for r in again] == [r.json()["transfer_id"] for r in responses]
    assert Transfer.objects.filter(kind="gift").count() == 2 * EACH_WAY
    connections.close_all()
