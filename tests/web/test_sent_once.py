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
        got.append(sent_once("test", {"token": "t1", "a": 1}, lambda asked: make()))

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
        sent_once("test", {"token": "t2"}, lambda asked: refuse())

    assert sent_once("test", {"token": "t2"}, lambda asked: "made") == "made"


def test_without_a_token_each_sending_makes_its_own():
    assert [sent_once("test", {"token": ""}, lambda asked, n=n: n) for n in range(2)] == [0, 1]


def test_the_same_token_with_other_details_is_a_conflict_and_makes_nothing():
    made = []

    def register(asked):
        made.append(asked["first_name"])
        return len(made)

    sent_once("test", {"token": "t3", "first_name": "Nell"}, register)
    with pytest.raises(IdempotencyConflict):
        sent_once("test", {"token": "t3", "first_name": "Bob"}, register)

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
            sent_once("test", {"token": "t4"}, lambda asked: refused())
        except Invalid:
            outcomes.append("refused")

    thread = threading.Thread(target=first)
    thread.start()
    start.wait()
    time.sleep(0.05)
    outcomes.append(sent_once("test", {"token": "t4"}, lambda asked: "made"))
    thread.join()

    assert sorted(outcomes) == ["made", "refused"]
