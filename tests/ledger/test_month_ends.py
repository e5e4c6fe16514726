"""Every account's posted balance kept at each month end (`ledger.services.month_ends_keep`), so a
balance at a past moment is read from the nearest month end (`ledger.selectors`).

Transfers are stamped by the clock when posted, so these tests post now and keep the month ends
after now by telling the keeper what time it is; the benchmark's two generated years check the
same on months full of transfers (`reports_bench`, tests/bench)."""

import datetime

import pytest
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task, result

from ledger.models import MonthEnd, MonthEndBalance
from ledger.schedules import SCHEDULES
from ledger.selectors import month_end_nearest
from ledger.services import MONTH_END_SETTLED, hold_create, month_ends_keep, transfer_post
from ledger.verify import ledger_verify

SECOND = datetime.timedelta(seconds=1)


def _month_start(months_ahead: int) -> datetime.datetime:
    """Local midnight on the 1st, `months_ahead` months after this month's."""
    day = timezone.localdate().replace(day=1)
    for _ in range(months_ahead):
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _kept(at: datetime.datetime) -> dict[int, int]:
    rows = MonthEndBalance.objects.filter(month_end__at=at)
    return {row.account_id: row.balance for row in rows}


@pytest.fixture
def moved(issuance, alice, bob):
    transfer_post(debit=issuance, credit=alice, amount=120, kind="earn", idempotency_key="e")
    transfer_post(debit=alice, credit=bob, amount=45, kind="spend", idempotency_key="s")
    # A hold is not posted: it moves no posted balance until it is.
    hold_create(
        debit=alice,
        credit=bob,
        amount=30,
        kind="spend",
        idempotency_key="h",
        timeout=datetime.timedelta(minutes=15),
    )
    return {issuance.pk: -120, alice.pk: 75, bob.pk: 45}


def test_nothing_is_kept_before_the_first_transfer(db):
    assert month_ends_keep(now=_month_start(3)) == 0
    assert not MonthEnd.objects.exists()


def test_a_month_end_is_kept_a_day_after_it_and_holds_each_posted_balance(moved):
    end = _month_start(1)

    assert month_ends_keep(now=end + MONTH_END_SETTLED - SECOND) == 0
    assert not MonthEnd.objects.exists()

    assert month_ends_keep(now=end + MONTH_END_SETTLED) == 1
    assert _kept(end) == moved
    # Kept once: asked again, it keeps nothing more and changes nothing.
    assert month_ends_keep(now=end + MONTH_END_SETTLED) == 0
    assert MonthEndBalance.objects.count() == len(moved)


def test_each_month_end_carries_the_one_before_forward_and_leaves_out_empty_accounts(
    moved, alice, bob
):
    transfer_post(debit=bob, credit=alice, amount=45, kind="gift", idempotency_key="g")
    moved[alice.pk] += 45
    del moved[bob.pk]  # back to nothing: no row

    assert month_ends_keep(now=_month_start(3) + MONTH_END_SETTLED) == 3
    for months_ahead in (1, 2, 3):
        assert _kept(_month_start(months_ahead)) == moved
    assert bob.pk not in _kept(_month_start(2))


def test_the_nearest_month_end_is_found_on_either_side(moved):
    month_ends_keep(now=_month_start(3) + MONTH_END_SETTLED)
    first, second = _month_start(1), _month_start(2)

    assert month_end_nearest(at=first - datetime.timedelta(days=3)).at == first
    assert month_end_nearest(at=first + datetime.timedelta(days=3)).at == first
    assert month_end_nearest(at=second - datetime.timedelta(days=3)).at == second
    assert month_end_nearest(at=second).at == second


def test_no_month_end_is_nearest_when_none_is_kept(moved):
    assert month_end_nearest(at=timezone.now()) is None


def test_the_worker_keeps_them_daily_and_keeps_none_before_its_time(moved):
    task = async_task("ledger.tasks.keep_month_ends")  # runs at once: Q_CLUSTER is sync in tests

    # Today, no month end since the first transfer has been over for a day.
    assert result(task) == 0
    assert not MonthEnd.objects.exists()
    assert {"func": "ledger.tasks.keep_month_ends", "schedule_type": Schedule.DAILY}.items() <= (
        next(s for s in SCHEDULES if s["func"] == "ledger.tasks.keep_month_ends").items()
    )


def test_the_daily_check_finds_a_month_end_a_transfer_arrived_too_late_for(moved, alice, bob):
    month_ends_keep(now=_month_start(2) + MONTH_END_SETTLED)
    assert ledger_verify().ok

    # Stamped before that month end, but posted after its balances were kept: what a transaction
    # left open for over a day would do.
    transfer_post(debit=alice, credit=bob, amount=5, kind="gift", idempotency_key="late")

    problems = [p for p in ledger_verify().problems if p["check"] == "month-end balance"]
    # Both month ends since, the second carried forward from the first, are behind by it.
    found = [
        (
            datetime.datetime.fromisoformat(p["month_end"]),
            p["account"],
            p["kept"],
            p["from_transfers"],
        )
        for p in problems
    ]
    assert found == [
        (at, account, kept, summed)
        for at in (_month_start(1), _month_start(2))
        for account, kept, summed in ((alice.pk, 75, 70), (bob.pk, 45, 50))
    ]
