"""retry_on_conflict against real PostgreSQL conflicts: a deadlock between two threads is retried
whole and both succeed; spent tries end in `Busy` (409) with nothing written; inside a caller's
transaction it leaves the retry to the caller. unique_or_conflict turns a duplicate row into a
`Conflict` and leaves the caller's transaction usable."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import OperationalError, connection, transaction

from api.errors import status_for
from tests.factories import UserFactory
from tests.racing import race
from timecredits.db import retry_on_conflict, unique_or_conflict
from timecredits.errors import Busy, Conflict, Invalid, RateLimited
from timecredits.ratelimit import rate_limit

User = get_user_model()


def _crossed_lockers(first, second, *, attempts):
    """Two services locking the same two rows in opposite orders: on the first try each holds
    one row when it asks for the other, which PostgreSQL breaks as a deadlock."""
    both_hold_one = threading.Barrier(2)
    tries = {"one": 0, "other": 0}

    def locker(name, rows):
        @retry_on_conflict(attempts=attempts)
        def lock_both():
            tries[name] += 1
            for n, pk in enumerate(rows):
                User.objects.select_for_update(no_key=True).get(pk=pk)
                if n == 0 and tries[name] == 1:
                    both_hold_one.wait()
            User.objects.filter(pk__in=rows).update(last_name=f"{name} {tries[name]}")
            return tries[name]

        return lock_both

    calls = [locker("one", [first.pk, second.pk]), locker("other", [second.pk, first.pk])]
    return calls, tries


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_retried_whole_and_both_succeed():
    first, second = UserFactory(), UserFactory()
    calls, tries = _crossed_lockers(first, second, attempts=3)

    outcomes = race(calls)

    # One of the two was PostgreSQL's victim and ran twice; the other once.
    assert [code for code, _ in outcomes] == ["ok", "ok"]
    assert sorted(tries.values()) == [1, 2]
    # The retried one committed last, over the other's names: its first try left nothing.
    retried = "one" if tries["one"] == 2 else "other"
    assert set(User.objects.filter(pk__in=[first.pk, second.pk]).values_list("last_name")) == {
        (f"{retried} 2",)
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_deadlock_with_no_tries_left_is_busy_and_writes_nothing():
    first, second = UserFactory(), UserFactory()
    calls, tries = _crossed_lockers(first, second, attempts=1)

    outcomes = race(calls)

    assert sorted(code for code, _ in outcomes) == ["busy", "ok"]
    assert tries == {"one": 1, "other": 1}
    (busy,) = [error for code, error in outcomes if code == "busy"]
    assert isinstance(busy, Busy)
    assert busy.__cause__.__cause__.sqlstate == "40P01"
    assert status_for(busy) == 409
    winner = "one" if outcomes[0][0] == "ok" else "other"
    assert set(User.objects.filter(pk__in=[first.pk, second.pk]).values_list("last_name")) == {
        (f"{winner} 1",)
    }


def _serialization_failure():
    """A real serialization failure (SQLSTATE 40001), raised by the server."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN RAISE EXCEPTION 'could not serialize' USING ERRCODE = '40001'; END $$"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_up_after_the_tries_it_is_given_and_keeps_nothing():
    user = UserFactory(last_name="before")
    tries = []

    @retry_on_conflict(attempts=4)
    def always_conflicts():
        tries.append(1)
        User.objects.filter(pk=user.pk).update(last_name=f"try {len(tries)}")
        _serialization_failure()

    with pytest.raises(Busy) as raised:
        always_conflicts()

    assert len(tries) == 4
    assert (raised.value.code, raised.value.detail) == ("busy", {"attempts": 4})
    assert User.objects.get(pk=user.pk).last_name == "before"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_it_does_not_retry():
    tries = []

    @retry_on_conflict
    def conflicts():
        tries.append(1)
        _serialization_failure()

    with pytest.raises(OperationalError), transaction.atomic():
        conflicts()

    assert tries == [1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_other_errors_are_not_retried():
    user = UserFactory(last_name="before")
    tries = []

    @retry_on_conflict
    def refuses():
        tries.append(1)
        User.objects.filter(pk=user.pk).update(last_name="changed")
        raise Invalid("no")

    with pytest.raises(Invalid):
        refuses()

    assert tries == [1]
    assert User.objects.get(pk=user.pk).last_name == "before"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_retried_request_counts_once_against_its_rate_limit():
    # Rolled back by the conflict, the first run's count would otherwise stay in the cache.
    cache.clear()
    tries = []

    @retry_on_conflict
    def limited_once():
        tries.append(1)
        rate_limit("retried", limit=1, period=3600)
        if len(tries) < 3:
            _serialization_failure()

    limited_once()

    assert len(tries) == 3
    with pytest.raises(RateLimited):
        rate_limit("retried", limit=1, period=3600)  # a second request is over the limit of 1


@pytest.mark.django_db
def test_a_duplicate_row_is_a_conflict_and_the_callers_transaction_goes_on():
    taken = UserFactory().username
    with transaction.atomic():
        with (
            pytest.raises(Conflict) as refused,
            unique_or_conflict("That name is taken.", detail={"username": taken}),
        ):
            User.objects.create(username=taken)
        User.objects.create(username="someone-else")
    assert (refused.value.message, refused.value.detail) == (
        "That name is taken.",
        {"username": taken},
    )
    assert status_for(refused.value) == 409
    assert User.objects.filter(username="someone-else").exists()
