import pytest

from ledger.errors import (
    AccountClosed,
    IdempotencyConflict,
    InsufficientCredit,
    InvalidTransfer,
)
from ledger.models import Account, Transfer
from ledger.selectors import account_balance
from ledger.services import TransferSpec, account_close, transfer_post, transfer_post_many
from ledger.verify import ledger_verify


def balances(*accounts):
    return [Account.objects.get(pk=a.pk).balance for a in accounts]


def test_a_transfer_moves_minutes_and_records_the_balances_after(issuance, alice):
    transfer = transfer_post(
        debit=issuance, credit=alice, amount=90, kind="earn", idempotency_key="k1"
    )

    assert balances(issuance, alice) == [-90, 90]
    assert (transfer.debit_balance_after, transfer.credit_balance_after) == (-90, 90)
    assert ledger_verify().problems == []


def test_overspending_is_refused_and_changes_nothing(issuance, alice, bob):
    transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="k1")

    with pytest.raises(InsufficientCredit) as refused:
        transfer_post(debit=alice, credit=bob, amount=61, kind="gift", idempotency_key="k2")

    assert refused.value.detail == {"account": alice.pk, "available": 60, "requested": 61}
    assert balances(alice, bob) == [60, 0]
    assert not Transfer.objects.filter(idempotency_key="k2").exists()


def test_a_replay_returns_the_original_and_posts_nothing_new(issuance, alice):
    first = transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="k")

    again = transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="k")

    assert again.pk == first.pk
    assert balances(alice) == [60]
    assert Transfer.objects.count() == 1


def test_a_replay_is_recognised_even_when_the_balance_no_longer_covers_it(issuance, alice, bob):
    transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="e")
    spent = transfer_post(debit=alice, credit=bob, amount=60, kind="gift", idempotency_key="g")

    again = transfer_post(debit=alice, credit=bob, amount=60, kind="gift", idempotency_key="g")

    assert again.pk == spent.pk
    assert balances(alice, bob) == [0, 60]


def test_the_same_key_with_another_request_is_a_conflict(issuance, alice):
    transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="k")

    with pytest.raises(IdempotencyConflict) as conflict:
        transfer_post(debit=issuance, credit=alice, amount=30, kind="earn", idempotency_key="k")

    assert conflict.value.detail == {"idempotency_key": "k", "differs_in": ["amount"]}
    assert balances(alice) == [60]


def test_a_batch_posts_all_or_nothing(issuance, alice, bob):
    specs = [
        TransferSpec(issuance, alice, 60, "earn", "b1"),
        TransferSpec(alice, bob, 30, "gift", "b2"),
        TransferSpec(alice, bob, 31, "gift", "b3"),  # alice has 30 left
    ]

    with pytest.raises(InsufficientCredit):
        transfer_post_many(specs=specs)

    assert balances(issuance, alice, bob) == [0, 0, 0]
    assert Transfer.objects.count() == 0


def test_a_batch_applies_in_order_with_running_balances(issuance, alice, bob):
    posted = transfer_post_many(
        specs=[
            TransferSpec(issuance, alice, 60, "earn", "b1"),
            TransferSpec(alice, bob, 45, "gift", "b2"),
            TransferSpec(issuance, alice, 15, "earn", "b3"),
        ]
    )

    assert [t.credit_balance_after for t in posted] == [60, 45, 30]
    assert balances(issuance, alice, bob) == [-75, 30, 45]
    assert ledger_verify().problems == []


@pytest.mark.parametrize(
    ("amount", "same_account", "kind", "key"),
    [
        (0, False, "earn", "k"),
        (-5, False, "earn", "k"),
        (1.5, False, "earn", "k"),
        (60 * 1_000_000 + 1, False, "earn", "k"),  # past any bigint total's comfort
        (60, True, "earn", "k"),
        (60, False, "bribe", "k"),
        (60, False, "earn", ""),
    ],
)
def test_malformed_transfers_are_refused_before_anything_is_written(
    issuance, alice, amount, same_account, kind, key
):
    with pytest.raises(InvalidTransfer):
        transfer_post(
            debit=issuance,
            credit=issuance if same_account else alice,
            amount=amount,
            kind=kind,
            idempotency_key=key,
        )

    assert Transfer.objects.count() == 0
    assert balances(issuance, alice) == [0, 0]


def test_a_closed_account_takes_no_more_transfers(issuance, alice):
    account_close(account=alice)

    with pytest.raises(AccountClosed):
        transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="k")

    assert balances(issuance) == [0]


def test_balance_reads_the_account_row(issuance, alice):
    transfer_post(debit=issuance, credit=alice, amount=120, kind="earn", idempotency_key="k")

    balance = account_balance(account=alice)

    assert (balance.posted, balance.on_hold, balance.available) == (120, 0, 120)
