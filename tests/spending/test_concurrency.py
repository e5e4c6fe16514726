"""Real concurrency on PostgreSQL: members race for an offer's places and for their own credits."""

import pytest

from ledger.models import Account, Transfer
from ledger.verify import ledger_verify
from tests.racing import race
from tests.spending.conftest import funded_member, make_offer
from timecredits.spending.models import Redemption
from timecredits.spending.services.redemptions import redemption_create


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_members_race_for_ten_places_and_exactly_ten_get_one(programme, venue):
    offer = make_offer(venue, capacity=10, capacity_period="day")
    members = [funded_member(programme, minutes=120) for _ in range(50)]

    outcomes = race(
        [
            lambda m=m: redemption_create(member=m, offer=offer, idempotency_key=f"race-{m.pk}")
            for m in members
        ]
    )

    codes = sorted(code for code, _ in outcomes)
    assert codes.count("ok") == 10
    assert codes.count("offer_full") == 40
    assert Redemption.objects.filter(offer=offer, status="held").count() == 10
    assert Transfer.objects.filter(cause_type="redemption", phase="pending").count() == 10
    held = {r.member_id for r in Redemption.objects.filter(offer=offer)}
    for account in Account.objects.filter(member__in=members):
        assert account.available >= 0
        assert account.available == (60 if account.member_id in held else 120)
    assert ledger_verify().problems == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_spends_by_a_member_who_can_afford_one_succeed_once(programme, venue):
    member = funded_member(programme, minutes=90)
    offers = [make_offer(venue, title=f"Offer {n}", cost_minutes=60) for n in range(4)]

    outcomes = race(
        [
            lambda n=n: redemption_create(
                member=member, offer=offers[n % 4], idempotency_key=f"spend-{n}"
            )
            for n in range(20)
        ]
    )

    codes = sorted(code for code, _ in outcomes)
    assert codes.count("ok") == 1
    assert codes.count("insufficient_credit") == 19
    account = Account.objects.get(member=member)
    assert (account.balance, account.debits_pending, account.available) == (90, 60, 30)
    assert Redemption.objects.filter(member=member).count() == 1
    assert ledger_verify().problems == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_ten_times_at_once_holds_once(programme, venue):
    member = funded_member(programme, minutes=300)
    offer = make_offer(venue)

    outcomes = race(
        [
            lambda: redemption_create(member=member, offer=offer, idempotency_key="retry")
            for _ in range(10)
        ]
    )

    assert [code for code, _ in outcomes] == ["ok"] * 10
    assert len({result[0].pk for _, result in outcomes}) == 1
    assert sum(created for _, (_, created) in outcomes) == 1
    assert Account.objects.get(member=member).available == 240


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_key_sent_at_once_for_two_offers_books_one_and_refuses_the_other(programme, venue):
    # Each request waited only on its own offer's lock, so the second insert met the first's
    # key in the unique index: an IntegrityError, a 500.
    swim, gym = make_offer(venue, title="Swim"), make_offer(venue, title="Gym")
    for _ in range(3):
        member = funded_member(programme, minutes=300)
        outcomes = race(
            [
                lambda o=o, m=member: redemption_create(member=m, offer=o, idempotency_key="k")
                for o in (swim, gym)
            ]
        )

        assert sorted(code for code, _ in outcomes) == ["idempotency_conflict", "ok"]
        assert Redemption.objects.filter(member=member).count() == 1
        assert Account.objects.get(member=member).available == 300 - 60
    assert ledger_verify().problems == []
