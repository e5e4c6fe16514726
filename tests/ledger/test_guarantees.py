"""The ledger's rules hold in the database itself, against raw SQL that bypasses the services."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from ledger import guarantees
from ledger.models import Account, Transfer
from ledger.services import hold_create, transfer_post, transfer_reverse
from ledger.verify import ledger_verify

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def earned(issuance, alice):
    return transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="e")


def refused(sql, params=()):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def totals(account):
    return Account.objects.values_list(
        "debits_posted", "credits_posted", "debits_pending", "credits_pending"
    ).get(pk=account.pk)


def test_transfers_cannot_be_updated_or_deleted(earned, alice):
    refused("UPDATE ledger_transfer SET amount = 6000 WHERE id = %s", [earned.pk])
    refused("DELETE FROM ledger_transfer WHERE id = %s", [earned.pk])

    assert Transfer.objects.get(pk=earned.pk).amount == 60
    assert totals(alice) == (0, 60, 0, 0)


def test_a_raw_insert_that_breaks_a_floor_is_refused(earned, alice, bob):
    refused(
        "INSERT INTO ledger_transfer (idempotency_key, debit_account_id, credit_account_id, amount,"
        " kind, phase, cause_type, memo, posted_at, debit_balance_after, credit_balance_after)"
        " VALUES ('raw', %s, %s, 61, 'gift', 'single', '', '', CURRENT_TIMESTAMP, -1, 61)",
        [alice.pk, bob.pk],
    )

    assert (totals(alice), totals(bob)) == ((0, 60, 0, 0), (0, 0, 0, 0))


def test_a_raw_insert_posting_more_than_a_hold_holds_is_refused(earned, alice, bob):
    held = hold_create(
        debit=alice, credit=bob, amount=30, kind="spend", idempotency_key="h", timeout=HOUR
    )
    refused(
        "INSERT INTO ledger_transfer (idempotency_key, debit_account_id, credit_account_id, amount,"
        " kind, phase, pending_id, cause_type, memo, posted_at, debit_balance_after,"
        " credit_balance_after)"
        " VALUES ('raw', %s, %s, 31, 'spend', 'post', %s, '', '', CURRENT_TIMESTAMP, 29, 31)",
        [alice.pk, bob.pk, held.pk],
    )

    assert (totals(alice), totals(bob)) == ((0, 60, 30, 0), (0, 0, 0, 30))


def test_a_raw_insert_with_made_up_balances_is_refused(earned, alice, bob):
    refused(
        "INSERT INTO ledger_transfer (idempotency_key, debit_account_id, credit_account_id, amount,"
        " kind, phase, cause_type, memo, posted_at, debit_balance_after, credit_balance_after)"
        " VALUES ('raw', %s, %s, 10, 'gift', 'single', '', '', CURRENT_TIMESTAMP, 60, 10)",
        [alice.pk, bob.pk],
    )

    assert totals(alice) == (0, 60, 0, 0)


def test_amount_must_be_positive_and_accounts_different(alice, bob):
    for amount, credit in ((0, bob.pk), (-5, bob.pk), (10, alice.pk)):
        refused(
            "INSERT INTO ledger_transfer (idempotency_key, debit_account_id, credit_account_id,"
            " amount, kind, phase, cause_type, memo, posted_at, debit_balance_after,"
            " credit_balance_after)"
            " VALUES ('raw', %s, %s, %s, 'gift', 'single', '', '', CURRENT_TIMESTAMP, 0, 0)",
            [alice.pk, credit, amount],
        )

    assert Transfer.objects.count() == 0


@pytest.mark.postgres
def test_transfers_cannot_be_truncated(earned):
    refused("TRUNCATE ledger_transfer CASCADE")

    assert Transfer.objects.count() == 1


@pytest.mark.postgres
def test_account_totals_change_only_by_posting(earned, alice):
    refused("UPDATE ledger_account SET credits_posted = 100000 WHERE id = %s", [alice.pk])
    refused(
        "UPDATE ledger_account SET debits_pending = 0, has_floor = false WHERE id = %s", [alice.pk]
    )
    refused(
        "INSERT INTO ledger_account (kind, name, shard, has_floor, debits_pending, debits_posted,"
        " credits_pending, credits_posted, opened_at) VALUES"
        " ('system', 'forged', 0, true, 0, 0, 0, 6000, CURRENT_TIMESTAMP)"
    )

    assert totals(alice) == (0, 60, 0, 0)
    assert not Account.objects.filter(name="forged").exists()


def test_ledger_verify_finds_drift_and_exits_non_zero(earned, alice, capsys):
    call_command("ledger_verify")
    assert "the ledger is clean" in capsys.readouterr().out

    # Only someone who can drop the triggers could do this; the check must still notice.
    guarantees.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_transfer SET amount = 90 WHERE id = %s", [earned.pk])
    guarantees.install(connection)

    found = {problem["check"] for problem in ledger_verify().problems}
    assert found == {"account totals", "running balance"}
    with pytest.raises(CommandError, match="problem"):
        call_command("ledger_verify")


def _tampered(sql, params=()):
    """What only someone who can drop the triggers could do, and what the check must notice."""
    guarantees.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    guarantees.install(connection)
    return {problem["check"] for problem in ledger_verify().problems}


def test_ledger_verify_finds_credits_from_nowhere(earned, alice):
    found = _tampered(
        "UPDATE ledger_account SET credits_posted = credits_posted + 30 WHERE id = %s", [alice.pk]
    )

    assert found == {"account totals", "zero sum"}


def test_ledger_verify_finds_a_reversal_that_does_not_mirror_its_original(issuance, alice, bob):
    first = transfer_post(debit=issuance, credit=alice, amount=60, kind="earn", idempotency_key="a")
    other = transfer_post(debit=issuance, credit=bob, amount=60, kind="earn", idempotency_key="b")
    reversal = transfer_reverse(transfer=first, idempotency_key="undo-a")

    found = _tampered(
        "UPDATE ledger_transfer SET reverses_id = %s WHERE id = %s", [other.pk, reversal.pk]
    )

    assert found == {"reversal mirrors original"}


@pytest.mark.postgres
def test_ledger_verify_finds_a_broken_floor(earned, alice):
    with connection.cursor() as cursor:  # rolled back with the test, as PostgreSQL's DDL is
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE ledger_account DROP CONSTRAINT ledger_account_floor")

    found = _tampered(
        "UPDATE ledger_account SET debits_posted = 90, credits_posted = 30 WHERE id = %s",
        [alice.pk],
    )

    assert found == {"account totals", "zero sum", "floor"}
