"""Batches post in order, all or nothing, with each row's running balances; on PostgreSQL the
whole posting is one call of a database function, whose refusals leave nothing behind."""

import pytest

from ledger.errors import InsufficientCredit
from ledger.models import Transfer
from ledger.services import TransferSpec, _post_in_one_call, transfer_post, transfer_post_many
from ledger.verify import ledger_verify


def balance(account):
    account.refresh_from_db()
    return account.balance


def test_a_batch_records_running_balances(issuance, alice, bob):
    posted = transfer_post_many(
        specs=[
            TransferSpec(issuance, alice, 60, "earn", "b1"),
            TransferSpec(issuance, bob, 30, "earn", "b2"),
            TransferSpec(alice, bob, 20, "gift", "b3"),
            TransferSpec(issuance, alice, 15, "earn", "b4"),
        ]
    )

    assert [(t.debit_balance_after, t.credit_balance_after) for t in posted] == [
        (-60, 60),
        (-90, 30),
        (40, 50),
        (-105, 55),
    ]
    assert (balance(issuance), balance(alice), balance(bob)) == (-105, 55, 50)
    assert ledger_verify().ok


def test_a_batch_that_dips_below_a_floor_midway_is_refused_whole(issuance, alice, bob):
    # Alice would end with 60 - 70 + 60 = 50, but she cannot spend 70 she does not hold yet.
    transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="open")

    with pytest.raises(InsufficientCredit):
        transfer_post_many(
            specs=[
                TransferSpec(alice, bob, 70, "gift", "spend-first"),
                TransferSpec(issuance, alice, 60, "earn", "earn-after"),
            ]
        )

    assert (balance(alice), balance(bob)) == (60, 0)
    assert not Transfer.objects.filter(idempotency_key__in=["spend-first", "earn-after"]).exists()


@pytest.mark.postgres
@pytest.mark.parametrize("size", [1, 3])
def test_postgres_posts_in_one_call(issuance, alice, size):
    specs = [
        TransferSpec(issuance, alice, 10, "earn", f"k{i}", "contribution", i) for i in range(size)
    ]

    posted = _post_in_one_call(specs, None)

    assert posted is not None
    assert [(t.idempotency_key, t.cause_id, t.credit_balance_after) for t in posted] == [
        (f"k{i}", i, 10 * (i + 1)) for i in range(size)
    ]
    assert balance(alice) == 10 * size
    assert ledger_verify().ok


@pytest.mark.postgres
@pytest.mark.parametrize("size", [1, 3])
def test_the_one_call_writes_nothing_when_it_cannot_post(issuance, alice, bob, size):
    transfer_post(debit=issuance, credit=alice, amount=20, kind="earn", idempotency_key="k0")
    taken = [TransferSpec(issuance, alice, 10, "earn", f"k{i}") for i in range(size)]
    overspent = [TransferSpec(alice, bob, 25, "gift", f"s{i}") for i in range(size)]

    assert _post_in_one_call(taken, None) is None
    assert _post_in_one_call(overspent, None) is None

    assert (balance(alice), balance(bob)) == (20, 0)
    assert Transfer.objects.count() == 1
