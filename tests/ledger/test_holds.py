import datetime

import pytest
from django_q.tasks import async_task

from ledger.errors import (
    AccountNotEmpty,
    HoldExpired,
    HoldResolved,
    InsufficientCredit,
    InvalidTransfer,
)
from ledger.models import Transfer
from ledger.selectors import account_balance, hold_resolution
from ledger.services import (
    account_close,
    hold_create,
    hold_expire,
    hold_post,
    hold_void,
    holds_expire,
    transfer_post,
)
from ledger.tasks import expire_overdue_holds
from ledger.verify import ledger_verify

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def funded(issuance, alice):
    transfer_post(debit=issuance, credit=alice, amount=120, kind="earn", idempotency_key="fund")
    return alice


def hold(debit, credit, amount, key="h", timeout=MINUTE * 15):
    return hold_create(
        debit=debit,
        credit=credit,
        amount=amount,
        kind="spend",
        idempotency_key=key,
        timeout=timeout,
    )


def figures(account):
    balance = account_balance(account=account)
    return balance.posted, balance.on_hold, balance.available


def test_a_hold_reserves_credits_against_the_floor(funded, bob):
    hold(funded, bob, 90)

    assert figures(funded) == (120, 90, 30)
    with pytest.raises(InsufficientCredit):
        transfer_post(debit=funded, credit=bob, amount=31, kind="gift", idempotency_key="g")
    assert figures(funded) == (120, 90, 30)
    assert figures(bob) == (0, 0, 0)


def test_posting_part_of_a_hold_moves_that_much_and_frees_the_rest(funded, bob):
    held = hold(funded, bob, 90)

    posted = hold_post(hold=held, amount=60, idempotency_key="p")

    assert posted.phase == Transfer.Phase.POST and posted.amount == 60
    assert figures(funded) == (60, 0, 60)
    assert figures(bob) == (60, 0, 60)
    assert ledger_verify().problems == []


def test_a_voided_hold_moves_nothing(funded, bob):
    held = hold(funded, bob, 90)

    hold_void(hold=held, idempotency_key="v")

    assert figures(funded) == (120, 0, 120)
    assert figures(bob) == (0, 0, 0)
    assert ledger_verify().problems == []


def test_a_hold_resolves_once(funded, bob):
    held = hold(funded, bob, 90)
    hold_post(hold=held, idempotency_key="p")

    with pytest.raises(HoldResolved):
        hold_void(hold=held, idempotency_key="v")
    with pytest.raises(HoldResolved):
        hold_post(hold=held, idempotency_key="p2")

    assert figures(funded) == (30, 0, 30)
    assert hold_resolution(hold=held).idempotency_key == "p"


def test_posting_more_than_is_held_is_refused(funded, bob):
    held = hold(funded, bob, 60)

    with pytest.raises(InvalidTransfer):
        hold_post(hold=held, amount=61, idempotency_key="p")

    assert figures(funded) == (120, 60, 60)


def test_an_expired_hold_cannot_be_posted_and_times_out_through_django_q(funded, bob):
    held = hold(funded, bob, 90, timeout=datetime.timedelta(microseconds=1))

    with pytest.raises(HoldExpired):
        hold_post(hold=held, idempotency_key="late")
    assert figures(funded) == (120, 90, 30)

    async_task("ledger.tasks.expire_overdue_holds")  # runs at once: Q_CLUSTER is sync in tests

    assert hold_resolution(hold=held).phase == Transfer.Phase.TIMEOUT
    assert figures(funded) == (120, 0, 120)
    assert expire_overdue_holds() == 0  # running it again finds nothing left to do
    assert ledger_verify().problems == []


def test_a_hold_that_has_not_expired_is_left_alone(funded, bob):
    hold(funded, bob, 90)

    assert holds_expire() == 0
    assert figures(funded) == (120, 90, 30)


def test_a_hold_cannot_be_timed_out_before_it_expires(funded, bob):
    held = hold(funded, bob, 90)

    with pytest.raises(InvalidTransfer):
        hold_expire(hold=held)

    assert hold_resolution(hold=held) is None
    assert figures(funded) == (120, 90, 30)


def test_an_account_with_credits_held_to_it_cannot_close(funded, bob):
    """Bob has nothing posted, but a hold from Alice waits to reach him."""
    hold(funded, bob, 90)

    with pytest.raises(AccountNotEmpty):
        account_close(account=bob)

    bob.refresh_from_db()
    assert bob.closed_at is None
