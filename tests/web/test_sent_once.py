"""`timecredits.forms.sent_once`: what a form asks for is made once per token, even when the
same form arrives twice at the same moment; a refusal leaves the token free."""

import threading
import time

import pytest
from django.core.cache import cache

from timecredits.errors import Invalid
from timecredits.forms import IdempotencyConflict, sent_once


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()


def test_two_sendings_at_once_make_it_once_and_both_get_it():
    made, got = [], []
    start = threading.Barrier(2, timeout=10)

    def make():
        made.append(1)
        time.sleep(0.3)  # the second arrives while the first is at work
        return 41 + len(made)

    def send():
        start.wait()
        got.append(sent_once("test", "t1", make, asked={"a": 1}))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert made == [1]
    assert got == [42, 42]


def test_a_refused_sending_leaves_the_token_free():
    def refuse():
        raise Invalid("no")

    with pytest.raises(Invalid):
        sent_once("test", "t2", refuse, asked={})

    assert sent_once("test", "t2", lambda: "made", asked={}) == "made"


def test_without_a_token_each_sending_makes_its_own():
    assert [sent_once("test", "", lambda n=n: n, asked={}) for n in range(2)] == [0, 1]


def test_the_same_token_with_other_details_is_a_conflict_and_makes_nothing():
    made = []
    sent_once("test", "t3", lambda: made.append("Nell") or 1, asked={"first_name": "Nell"})

    with pytest.raises(IdempotencyConflict):
        sent_once("test", "t3", lambda: made.append("Bob") or 2, asked={"first_name": "Bob"})

    assert made == ["Nell"]


def test_a_second_sending_makes_it_itself_when_the_first_was_refused_meanwhile():
    start = threading.Barrier(2, timeout=10)
    outcomes = []

    def refused():
        start.wait()
        time.sleep(0.2)  # the second is waiting by now
        raise Invalid("no")

    def first():
        try:
            sent_once("test", "t4", refused, asked={})
        except Invalid:
            outcomes.append("refused")

    thread = threading.Thread(target=first)
    thread.start()
    start.wait()
    time.sleep(0.05)
    outcomes.append(sent_once("test", "t4", lambda: "made", asked={}))
    thread.join()

    assert sorted(outcomes) == ["made", "refused"]
