"""Real concurrency on PostgreSQL: many threads, each with its own connection, race to spend."""

import random
import threading

import pytest
from django.db import connection

from ledger.errors import InsufficientCredit
from ledger.models import Account, Transfer
from ledger.services import TransferSpec, account_open, transfer_post, transfer_post_many
from ledger.verify import ledger_verify
from tests.factories import AccountFactory

THREADS = 16
ATTEMPTS = 40
OPENING = 600


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_spenders_never_break_a_floor_or_deadlock():
    issuance = account_open(kind="system", name="issuance")
    spenders = [AccountFactory() for _ in range(4)]
    venue = AccountFactory()
    transfer_post_many(
        specs=[
            TransferSpec(issuance, spender, OPENING, "earn", f"open-{spender.pk}")
            for spender in spenders
        ]
    )
    # Keys that several threads send with the same request, as a phone retrying would.
    shared = {
        f"retry-{n}": (spenders[n % 4], spenders[(n + 1) % 4] if n % 2 else venue, 45)
        for n in range(24)
    }
    accepted: dict[str, set[int]] = {}
    refused = []
    failures = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def spend(seed):
        rng = random.Random(seed)
        start.wait()
        try:
            for attempt in range(ATTEMPTS):
                if rng.random() < 0.2:
                    # A batch, all or nothing: PostgreSQL applies it once per statement.
                    specs = []
                    for n in range(3):
                        debit = rng.choice(spenders)
                        credit = rng.choice([s for s in spenders if s != debit] + [venue])
                        specs.append(
                            TransferSpec(debit, credit, rng.randint(15, 90), "gift",
                                         f"t{seed}-{attempt}-{n}")
                        )  # fmt: skip
                    try:
                        batch = transfer_post_many(specs=specs)
                    except InsufficientCredit:
                        with lock:
                            refused.append(specs[0].idempotency_key)
                        continue
                    with lock:
                        for transfer in batch:
                            accepted.setdefault(transfer.idempotency_key, set()).add(transfer.pk)
                    continue
                if rng.random() < 0.3:
                    key = rng.choice(list(shared))
                    debit, credit, amount = shared[key]
                else:
                    key = f"t{seed}-{attempt}"
                    debit = rng.choice(spenders)
                    credit = rng.choice([s for s in spenders if s != debit] + [venue])
                    amount = rng.randint(15, 120)
                try:
                    posted = transfer_post(
                        debit=debit, credit=credit, amount=amount, kind="gift", idempotency_key=key
                    )
                except InsufficientCredit:
                    with lock:
                        refused.append(key)
                    continue
                with lock:
                    accepted.setdefault(key, set()).add(posted.pk)
        except Exception as error:  # any other error, a deadlock above all, fails the test
            with lock:
                failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=spend, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert refused, "the spenders asked for more than they hold, so some must be refused"
    # Every caller that sent a key got the one transfer posted under it.
    assert all(len(ids) == 1 for ids in accepted.values())
    assert any(key.count("-") == 2 for key in accepted), "some batches must have posted"
    posted = Transfer.objects.filter(kind="gift")
    assert {t.pk for t in posted} == {pk for ids in accepted.values() for (pk,) in [tuple(ids)]}
    # The model: opening balances plus every accepted transfer.
    model = {a.pk: 0 for a in [*spenders, venue]}
    for spender in spenders:
        model[spender.pk] = OPENING
    for transfer in posted:
        model[transfer.debit_account_id] -= transfer.amount
        model[transfer.credit_account_id] += transfer.amount
    for account in Account.objects.filter(pk__in=model):
        assert account.balance == model[account.pk]
        assert account.available >= 0
    assert sum(model.values()) == 4 * OPENING
    assert ledger_verify().problems == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ledger_verify_reads_one_snapshot_while_others_post():
    issuance = account_open(kind="system", name="issuance")
    member = AccountFactory()
    posted = []

    def post_elsewhere():
        try:
            transfer_post(
                debit=issuance,
                credit=member,
                amount=60,
                kind="earn",
                idempotency_key=f"meanwhile-{len(posted)}",
            )
            posted.append(True)
        finally:
            connection.close()  # this thread's own connection

    def a_posting_commits_before_each_query(execute, sql, params, many, context):
        thread = threading.Thread(target=post_elsewhere)
        thread.start()
        thread.join()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(a_posting_commits_before_each_query):
        during = ledger_verify()

    assert len(posted) > 5
    assert during.problems == []
    after = ledger_verify()
    assert (after.problems, after.transfers) == ([], len(posted))
