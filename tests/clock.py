"""A clock tests can move forward: time.time(), which the rate limits and the in-process cache's
expiry both read, returns a fixed moment plus however far the test has moved it."""

import time


class Clock:
    def __init__(self, start: float):
        self.now = start

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def moved_clock(monkeypatch) -> Clock:
    # The start of a fixed window, so a test's minutes never straddle two windows by chance.
    fake = Clock(start=float(int(time.time()) // 3600 * 3600))
    monkeypatch.setattr(time, "time", fake)
    return fake
