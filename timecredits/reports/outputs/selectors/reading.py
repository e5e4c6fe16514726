"""How a report reads the database: one snapshot for all its queries and, on PostgreSQL, a
second connection that shares it.

A report's queries are many, and most run in one process each: the contributions' member pass
(which PostgreSQL spreads over its parallel workers) and the ledger's reads of spending,
donations and expiries would otherwise take turns. `reading()` opens a repeatable-read, read-only
transaction and yields `alongside(fn)`, which starts `fn` in another thread whose connection
imports this transaction's snapshot (`pg_export_snapshot`, as `pg_dump` does), so both see the
database as of the same instant and the figures add up exactly as if read one after the other.

The second connection is used only where the report opens the transaction itself. Inside a
transaction already begun (a test's, or a caller's own), rows it has written are not in any
snapshot another connection can import, and `fn` runs in this connection when its result is
asked for. SQLite always reads in one connection.
"""

import contextlib
import re
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection, transaction
from django.utils import timezone, translation

from ...facts import settle

SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


def _tune(cursor) -> None:
    # Room to group a hundred thousand members in memory (the default 4 MB spills the member
    # pass to disk), and no JIT compilation, which took longer to compile the member pass than
    # to run it.
    cursor.execute("SET LOCAL work_mem = '128MB'")
    cursor.execute("SET LOCAL jit = off")


class _Later:
    """`fn` run in this connection when its result is first asked for, as a Future's `result`
    (and, like it, the same answer every time after)."""

    def __init__(self, fn):
        self._fn, self._done = fn, False

    def result(self):
        if not self._done:
            self._answer, self._done = self._fn(), True
        return self._answer


def _in_snapshot(snapshot: str, fn, zone, language):
    # The thread starts with Django's defaults: the asking thread's time zone and language are
    # carried over, so local dates mean the same in both.
    try:
        with timezone.override(zone), translation.override(language), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # Not a bind parameter: SET takes none. The id is PostgreSQL's own,
                # checked by `reading`.
                cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                _tune(cursor)
            return fn()
    finally:
        connection.close()


@contextlib.contextmanager
def reading():
    """One snapshot for a report's queries; yields `alongside(fn)`, which returns something with
    `result()`: `fn`'s answer, read in the same snapshot, meanwhile in a second connection where
    there can be one."""
    postgresql = connection.vendor == "postgresql"
    own = postgresql and not connection.in_atomic_block
    with transaction.atomic():
        if not postgresql:
            yield _Later
            return
        with connection.cursor() as cursor:
            if own:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            else:
                # What the caller's transaction wrote, the report reads, members' starts too.
                settle(connection)
            _tune(cursor)
            if not own:
                snapshot = None
            else:
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
        if snapshot is None or not SNAPSHOT_ID.match(snapshot):
            yield _Later
            return
        # The pool is shut down (waiting for the other thread) before this transaction ends:
        # the snapshot can only be imported while the transaction that exported it is open.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report") as pool:

            def alongside(fn) -> Future:
                zone, language = timezone.get_current_timezone(), translation.get_language()
                return pool.submit(_in_snapshot, snapshot, fn, zone, language)

            yield alongside
