"""Batches post in order, all or nothing, with each row's running balances; on PostgreSQL the
whole posting is one call of a database function, whose refusals leave nothing behind."""

import pytest
from django.db import DatabaseError, connection, transaction

from ledger.errors import InsufficientCredit
from ledger.models import Account, Transfer
from ledger.services import TransferSpec, _post_in_one_call, transfer_post, transfer_post_many
from ledger.verify import ledger_verify
from tests.factories import AccountFactory


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


# On PostgreSQL a batch's rows are applied once per statement; raw SQL meets the same rules.

COLUMNS = (
    "idempotency_key, debit_account_id, credit_account_id, amount, kind, phase, cause_type,"
    " memo, posted_at, debit_balance_after, credit_balance_after, batch"
)


def raw_batch(rows):
    """Insert (key, debit, credit, amount, debit_after, credit_after) rows as one batch."""
    values = ", ".join(
        ["(%s, %s, %s, %s, 'gift', 'single', '', '', CURRENT_TIMESTAMP, %s, %s, true)"] * len(rows)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ledger_transfer ({COLUMNS}) VALUES {values}",  # noqa: S608
            [value for row in rows for value in row],
        )


@pytest.fixture
def funded(issuance, alice):
    transfer_post(debit=issuance, credit=alice, amount=100, kind="earn", idempotency_key="fund")
    return alice


@pytest.mark.postgres
def test_batches_are_marked_and_single_postings_are_not(issuance, alice, bob):
    (single,) = transfer_post_many(specs=[TransferSpec(issuance, alice, 10, "earn", "s")])
    batch = transfer_post_many(
        specs=[
            TransferSpec(issuance, alice, 10, "earn", "b1"),
            TransferSpec(alice, bob, 5, "gift", "b2"),
        ]
    )

    assert (single.batch, [t.batch for t in batch]) == (False, [True, True])
    assert (balance(alice), balance(bob)) == (15, 5)


@pytest.mark.postgres
def test_a_raw_batch_is_applied_by_the_database(funded, bob):
    raw_batch([("r1", funded.pk, bob.pk, 30, 70, 30), ("r2", bob.pk, funded.pk, 10, 20, 80)])

    assert (balance(funded), balance(bob)) == (80, 20)
    assert ledger_verify().ok


@pytest.mark.postgres
@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([("r1", "A", "B", 30, 70, 31)], id="made-up balance"),
        pytest.param(
            [("r1", "A", "B", 30, 70, 30), ("r2", "A", "B", 80, -10, 110)], id="broken floor"
        ),
        # Bob would end with 10, but he spends 40 before he has it.
        pytest.param(
            [("r1", "B", "A", 40, -40, 140), ("r2", "A", "B", 50, 90, 10)],
            id="floor broken midway",
        ),
    ],
)
def test_a_raw_batch_that_breaks_a_rule_is_refused_and_changes_nothing(funded, bob, rows):
    ids = {"A": funded.pk, "B": bob.pk}
    with pytest.raises(DatabaseError):
        raw_batch([(key, ids[d], ids[c], amount, *after) for key, d, c, amount, *after in rows])

    assert (balance(funded), balance(bob)) == (100, 0)
    assert Transfer.objects.count() == 1


@pytest.mark.postgres
def test_a_raw_batch_to_a_closed_account_is_refused(funded):
    closed = AccountFactory()
    Account.objects.filter(pk=closed.pk).update(closed_at="2026-01-01T00:00:00Z")

    with pytest.raises(DatabaseError):
        raw_batch([("r1", funded.pk, closed.pk, 30, 70, 30)])

    assert balance(funded) == 100


@pytest.mark.postgres
def test_a_batch_row_must_be_single_phase(funded, bob):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ledger_transfer ({COLUMNS}, expires_at) VALUES ('h', %s, %s, 10,"  # noqa: S608
            " 'gift', 'pending', '', '', CURRENT_TIMESTAMP, 100, 0, true, CURRENT_TIMESTAMP)",
            [funded.pk, bob.pk],
        )

    funded.refresh_from_db()
    assert funded.debits_pending == 0


@pytest.mark.postgres
def test_the_statement_itself_cannot_clear_the_batch_mark(funded, bob):
    # The mark is set by row triggers that fire once the statement has run, so a statement that
    # clears it as it goes still has its batch checked (and these made-up balances refused).
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ledger_transfer ({COLUMNS})"
            " SELECT 'r1', %s, %s, 30, 'gift', 'single', set_config('ledger.batch_inserted', '',"
            " true) || '', '', CURRENT_TIMESTAMP, 999, 999, true",
            [funded.pk, bob.pk],
        )

    assert (balance(funded), balance(bob)) == (100, 0)
