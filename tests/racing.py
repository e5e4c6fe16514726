"""Real concurrency for PostgreSQL tests: calls run in threads, each on its own connection,
released together by a barrier. A typed refusal is an outcome; anything else is a failure."""

import threading

from django.db import connection, transaction

from timecredits.errors import DomainError


def race(calls, *, check=True):
    """Run each call in its own thread, all at once. Returns the outcomes as (code, result), in
    the order the calls were given ("ok" for a success, the error's code for a refusal); any
    other exception (a deadlock, an integrity error) fails the test unless `check` is False, in
    which case the failures come back too."""
    start = threading.Barrier(len(calls), timeout=60)  # a thread that died fails, not hangs
    outcomes = [None] * len(calls)
    failures = []
    lock = threading.Lock()

    def run(index, call):
        start.wait()
        try:
            outcomes[index] = ("ok", call())
        except DomainError as refused:
            outcomes[index] = (refused.code, refused)
        except Exception as error:  # a deadlock or an integrity error fails the test
            with lock:
                failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if check:
        assert failures == [], failures
        return outcomes
    return outcomes, failures


def in_thread(work) -> threading.Thread:
    """Start `work` in a thread of its own, on its own connection (closed when it ends); the
    caller joins it. For steps in a chosen order, where `race` releases all at once."""

    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def second_waits_for_first(first, second) -> tuple[bool, list[str]]:
    """`first` run in a transaction left open, then `second` in another connection: whether
    `second` was still waiting half a second later, and what either raised, once `first`'s
    transaction has committed and both are done."""
    done, release = threading.Event(), threading.Event()
    failures = []

    def hold():
        try:
            with transaction.atomic():
                first()
                done.set()
                release.wait(10)
        except Exception as error:  # reported to the test
            failures.append(repr(error))

    def follow():
        try:
            second()
        except Exception as error:  # reported to the test
            failures.append(repr(error))

    holder = in_thread(hold)
    assert done.wait(5), failures
    follower = in_thread(follow)
    follower.join(0.5)
    waited = follower.is_alive()
    release.set()
    holder.join(5)
    follower.join(5)
    return waited, failures
