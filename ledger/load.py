"""Synthetic load on the ledger's own posting path, for `ledger_bench` (timecredits/bench).

Floored accounts opened and funded in bulk, and the three workloads the benchmark measures, each
posting through `transfer_post` / `transfer_post_many` exactly as the credits facade does:
random gifts between pairs, earnings from one programme's sharded issuance, and batches of a
thousand earnings. It stays inside the ledger because it measures the ledger itself: it knows
accounts and programmes only by id.
"""

import itertools
import random
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connection

from .models import Account, Transfer
from .selectors import issuance_account
from .services import TransferSpec, account_open, transfer_post, transfer_post_many

MEMBER_PREFIX = "bench-member-"
OPENING_BATCH = 10_000


def floored_accounts_open(*, count: int, minutes: int) -> None:
    """`count` member-like accounts with a floor, each funded with `minutes` from one opening
    account, in batches of postings."""
    Account.objects.bulk_create(
        [
            Account(kind=Account.Kind.SYSTEM, has_floor=True, name=f"{MEMBER_PREFIX}{i}")
            for i in range(count)
        ],
        batch_size=10_000,
    )
    opening = account_open(kind=Account.Kind.SYSTEM, name="bench-opening")
    members = _members()
    for start in range(0, len(members), OPENING_BATCH):
        transfer_post_many(
            specs=[
                TransferSpec(opening, member, minutes, Transfer.Kind.ADJUST, f"opening-{member.pk}")
                for member in members[start : start + OPENING_BATCH]
            ]
        )


def warm_up() -> None:
    """One posting, so the first phase does not pay for cold caches alone; then fresh planner
    statistics for the ledger's tables."""
    first, second = _members()[:2]
    transfer_post(
        debit=first,
        credit=second,
        amount=1,
        kind=Transfer.Kind.GIFT,
        idempotency_key="warm-up",
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_account")
        cursor.execute("VACUUM ANALYZE ledger_transfer")


def workload(
    phase: str, *, rng: random.Random, index: int, clients: int, programme_id: int, batch: int
) -> Callable[[], int]:
    """Client `index` of `clients`'s posting function for `phase`: each call posts and returns
    how many transfers it posted."""
    return WORKLOADS[phase](rng, index, clients, programme_id, batch)


def _members() -> list[Account]:
    # The services read only an account's id: they lock and reload the rows themselves.
    return list(Account.objects.filter(name__startswith=MEMBER_PREFIX).only("id"))


def _issuance_shards(programme_id: int) -> list[Account]:
    """Shard i serves the members whose id is i modulo the shard count, as the selector does."""
    return [
        issuance_account(programme=programme_id, spread_by=shard)
        for shard in range(settings.LEDGER_ISSUANCE_SHARDS)
    ]


def _contributions(phase: str, index: int, clients: int):
    """Contribution ids as the database would hand them out, this client's share of them: the
    earnings' causes, and their keys as the earning service makes them."""
    first = {"hot_issuance": 1, "batch": 10**12}[phase] + index
    return itertools.count(first, clients)


def _earning(rng: random.Random, shard: Account, member: Account, contribution: int) -> dict:
    """One earning's fields, keyed as the earning service keys a contribution's first."""
    return {
        "debit": shard,
        "credit": member,
        "amount": rng.choice((60, 90, 120, 180, 240)),
        "kind": Transfer.Kind.EARN,
        "idempotency_key": f"earn:contribution:{contribution}:0",
        "cause_type": "contribution",
        "cause_id": contribution,
    }


def _random_pairs(rng: random.Random, index: int, clients: int, programme_id: int, batch: int):
    members = _members()

    def post() -> int:
        debit, credit = rng.sample(members, 2)
        transfer_post(
            debit=debit,
            credit=credit,
            amount=rng.randint(15, 120),
            kind=Transfer.Kind.GIFT,
            idempotency_key=f"bench-random_pairs-{uuid.uuid4().hex}",
        )
        return 1

    return post


def _hot_issuance(rng: random.Random, index: int, clients: int, programme_id: int, batch: int):
    members, shards = _members(), _issuance_shards(programme_id)
    contributions = _contributions("hot_issuance", index, clients)

    def post() -> int:
        member = rng.choice(members)
        transfer_post(**_earning(rng, shards[member.pk % len(shards)], member, next(contributions)))
        return 1

    return post


def _batch(rng: random.Random, index: int, clients: int, programme_id: int, batch: int):
    # Approving a session's contributions draws on one account, and another client's batch on
    # another, as sessions of different groups would; their attendees differ too, so each
    # client credits its own share of the members. (Drawn from all of them, every two
    # concurrent batches would share some ten members and wait for each other's commit.)
    members = _members()[index::clients]
    shard = _issuance_shards(programme_id)[index % settings.LEDGER_ISSUANCE_SHARDS]
    contributions = _contributions("batch", index, clients)

    def post() -> int:
        specs = [
            TransferSpec(**_earning(rng, shard, member, contribution))
            for member, contribution in zip(rng.sample(members, batch), contributions, strict=False)
        ]
        transfer_post_many(specs=specs)
        return batch

    return post


WORKLOADS = {"random_pairs": _random_pairs, "hot_issuance": _hot_issuance, "batch": _batch}
