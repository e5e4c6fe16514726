"""Transactions that hold up under ordinary concurrency: the one lock order, and a bounded retry.

**Lock order.** Every service takes its row locks in this order, rows of one kind in primary-key
order, so no two transactions can wait for each other in a circle:

1. organisation-level rows: a participation, an invitation, a programme's survey schedule, and
   the applicant's user row while an organisation application is counted (a request that locks
   one of these locks nothing else); with them, advisory claims (`claim`): an organisation's
   name and slugs, an invitation's address. A claim is taken only by the service that writes
   what it names, and no one waits on a row lock while holding another service's claim;
2. members (a gift locks giver and recipient, lower pk first; closing an account locks the
   member before anything else);
3. sessions (a check-in counting places);
4. contributions;
5. offers;
6. redemptions;
7. ledger accounts, in id order (`ledger.services.accounts_lock`, and `ledger_post` /
   `ledger_post_one` in the database); every posting locks all its accounts in one statement.

Rows written after these (transfers, contribution events, notifications) are inserted, not
locked; a background job that locks one of them (the notification email task) takes no lock above.
A member's start in a programme (`reports.MemberStart`), their calendar there and a session's
totals (`reports.calendars`) are locked last, at commit, by deferred triggers (`reports.facts`),
in the order the transaction changed the contributions and moves: two that changed the same
members' time in opposite orders can still deadlock there, and are retried.
The reports' facts take advisory locks (`reports.facts`): one shared when a contribution's fact is
written, held alone only while a session or an activity is moved; and one per member, shared when
a move of their credits is posted (after their account), held alone while the member is moved to
another programme (after their row); and one per offer, shared when a spend of it is posted (after
the accounts), held alone while the offer is recategorised (after its row). No service moves any
of them.

**No-key locks.** Locks are `select_for_update(no_key=True)`, PostgreSQL's FOR NO KEY UPDATE: no
service changes a key. A plain FOR UPDATE also blocks the FOR KEY SHARE lock that every
foreign-key check on the row takes, and Django's foreign keys are checked at commit (deferred),
after every other lock. Two members gifting each other deadlocked that way: one gift held its
giver's row and both accounts, and at commit its notification's foreign key waited for the
recipient's row, which the other gift held while it waited for those accounts. A query that
follows foreign keys with `select_related` locks with `of=("self",)`, or the joined rows are
locked too.

**Retry.** PostgreSQL may still end a transaction for a deadlock (SQLSTATE 40P01) or a
serialization failure (40001). `retry_on_conflict` runs a service in a transaction and, when that
transaction is the outermost, runs it again, whole, a few times with jittered backoff; idempotency
keys make a second run return what the first would have. When the tries are spent it raises
`Busy`, a 409 that says to try again, never a 500. Inside a caller's transaction it is a savepoint
and does not retry: after such an error the whole transaction is aborted, and only the outermost
caller can start it again.
"""

import contextlib
import contextvars
import functools
import logging
import random
import time

from django.db import IntegrityError, OperationalError, connection, transaction

from timecredits.errors import Busy, Conflict

log = logging.getLogger(__name__)

ATTEMPTS = 5
# Full jitter: the n-th wait is random up to BACKOFF * 2**n seconds, so racers spread out.
BACKOFF = 0.02
CONFLICTS = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


_retrying = contextvars.ContextVar("retrying", default=False)


def retrying() -> bool:
    """Is this a second or later run of a retried transaction? The database forgot what the
    first run wrote, but not what it counted elsewhere (a rate limit in the cache): such a count
    is taken once per request, on the first run."""
    return _retrying.get()


def claim(kind: str, key: str) -> None:
    """Hold `key` among `kind` (an organisation's name, say) until the transaction ends: another
    transaction claiming the same waits for this one, then reads what it wrote, so a check that
    nothing else has the key and the write after it cannot both pass twice at once. On
    PostgreSQL a transaction-level advisory lock; SQLite writes one transaction at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))", [kind, key])


def is_conflict(error: BaseException) -> bool:
    """Is this the database ending a transaction for a deadlock or a serialization failure?"""
    return getattr(error.__cause__, "sqlstate", None) in CONFLICTS


def retry_on_conflict(func=None, *, attempts: int = ATTEMPTS):
    """Decorate a service: it runs in `transaction.atomic`, retried whole on a conflict when
    it is the outermost transaction, raising `Busy` after `attempts` tries."""
    if func is None:
        return functools.partial(retry_on_conflict, attempts=attempts)

    @functools.wraps(func)
    def run(*args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                return func(*args, **kwargs)
        attempt = 0
        while True:
            again = _retrying.set(attempt > 0)
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except OperationalError as error:
                if not is_conflict(error):
                    raise
                attempt += 1
                if attempt == attempts:
                    log.warning("%s gave up after %d conflicts", func.__qualname__, attempts)
                    raise Busy(detail={"attempts": attempts}) from error
                log.info("%s retried after %s", func.__qualname__, error.__cause__.sqlstate)
            finally:
                _retrying.reset(again)
            time.sleep(random.uniform(0, BACKOFF * 2**attempt))  # noqa: S311 - not a secret

    return run


@contextlib.contextmanager
def unique_or_conflict(message: str, *, detail=None):
    """Run the block in a savepoint: a row it writes that is already there (a unique constraint
    the database enforces) is a `Conflict` saying `message`, and the caller's transaction can go
    on."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise Conflict(message, detail=detail) from None
