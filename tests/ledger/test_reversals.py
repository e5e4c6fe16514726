import datetime

import pytest

from ledger.errors import AlreadyReversed, InsufficientCredit, NotReversible
from ledger.models import Account, Transfer
from ledger.services import hold_create, transfer_post, transfer_reverse
from ledger.verify import ledger_verify


def balance(account):
    return Account.objects.get(pk=account.pk).balance


def test_a_reversal_mirrors_the_original(issuance, alice):
    earned = transfer_post(
        debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="e"
    )

    reversal = transfer_reverse(transfer=earned, idempotency_key="r", memo="hours were wrong")

    assert (reversal.debit_account_id, reversal.credit_account_id) == (alice.pk, issuance.pk)
    assert (reversal.kind, reversal.amount, reversal.reverses_id) == ("reverse", 60, earned.pk)
    assert balance(alice) == 0
    assert ledger_verify().problems == []


def test_a_transfer_is_reversed_at_most_once(issuance, alice):
    earned = transfer_post(
        debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="e"
    )
    transfer_reverse(transfer=earned, idempotency_key="r1")

    with pytest.raises(AlreadyReversed):
        transfer_reverse(transfer=earned, idempotency_key="r2")

    assert balance(alice) == 0
    assert Transfer.objects.filter(kind="reverse").count() == 1


def test_replaying_a_reversal_returns_it(issuance, alice):
    earned = transfer_post(
        debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="e"
    )
    first = transfer_reverse(transfer=earned, idempotency_key="r")

    assert transfer_reverse(transfer=earned, idempotency_key="r").pk == first.pk
    assert balance(alice) == 0


def test_a_reversal_cannot_take_credits_already_spent(issuance, alice, bob):
    earned = transfer_post(
        debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="e"
    )
    transfer_post(debit=alice, credit=bob, amount=60, kind="gift", idempotency_key="g")

    with pytest.raises(InsufficientCredit):
        transfer_reverse(transfer=earned, idempotency_key="r")

    assert (balance(alice), balance(bob)) == (0, 60)


def test_reversals_and_holds_cannot_be_reversed(issuance, alice, bob):
    earned = transfer_post(
        debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="e"
    )
    reversal = transfer_reverse(transfer=earned, idempotency_key="r")
    transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="e2")
    held = hold_create(
        debit=alice,
        credit=bob,
        amount=30,
        kind="spend",
        idempotency_key="h",
        timeout=datetime.timedelta(minutes=5),
    )

    for original in (reversal, held):
        with pytest.raises(NotReversible):
            transfer_reverse(transfer=original, idempotency_key=f"rr{original.pk}")
    assert balance(alice) == 60
