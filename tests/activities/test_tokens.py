"""Check-in tokens: signed, windowed, rotating; rejected without touching the database."""

import datetime

import pytest
from django.core import signing

from timecredits.activities import tokens
from timecredits.activities.errors import (
    SessionNotOpen,
    SessionOver,
    TokenExpired,
    TokenInvalid,
)

START = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)
END = START + datetime.timedelta(hours=2)


def at(minutes: float) -> datetime.datetime:
    return START + datetime.timedelta(minutes=minutes)


def test_poster_token_is_valid_through_the_session_with_grace():
    token = tokens.poster_token(session_id=7, starts_at=START, ends_at=END)

    for minutes in [-30, 0, 60, 150]:
        assert tokens.read_checkin_token(token, now=at(minutes)) == tokens.CheckinTicket(
            7, "poster"
        )


@pytest.mark.parametrize(("minutes", "error"), [(-31, SessionNotOpen), (151, SessionOver)])
def test_poster_token_outside_its_window_is_refused(minutes, error):
    token = tokens.poster_token(session_id=7, starts_at=START, ends_at=END)

    with pytest.raises(error):
        tokens.read_checkin_token(token, now=at(minutes))


def test_kiosk_token_works_for_under_a_minute_then_expires():
    shown = at(10)
    token = tokens.kiosk_token(session_id=7, starts_at=START, ends_at=END, now=shown)
    step_start = datetime.datetime.fromtimestamp(
        tokens.kiosk_step(shown) * tokens.KIOSK_STEP_SECONDS, tz=datetime.UTC
    )

    assert (
        tokens.read_checkin_token(token, now=step_start + datetime.timedelta(seconds=59)).mode
        == "kiosk"
    )
    with pytest.raises(TokenExpired):
        tokens.read_checkin_token(token, now=step_start + datetime.timedelta(seconds=60))


def test_a_kiosk_token_from_the_future_is_refused():
    token = tokens.kiosk_token(session_id=7, starts_at=START, ends_at=END, now=at(20))

    with pytest.raises(TokenExpired):
        tokens.read_checkin_token(token, now=at(10))


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"s": 7, "m": "p", "a": 0, "b": 9999999999}, salt="another salt"),
        signing.dumps({"s": 7, "m": "x", "a": 0, "b": 9999999999}, salt=tokens.CHECKIN_SALT),
        signing.dumps({"s": 7}, salt=tokens.CHECKIN_SALT),
    ],
    ids=["garbage", "wrong-key", "unknown-mode", "missing-fields"],
)
def test_forged_tokens_are_refused(token):
    with pytest.raises(TokenInvalid):
        tokens.read_checkin_token(token, now=at(10))


def test_a_tampered_token_is_refused():
    token = tokens.poster_token(session_id=7, starts_at=START, ends_at=END)
    signature = token.rpartition(":")[2]
    tampered = tokens.poster_token(session_id=8, starts_at=START, ends_at=END).rpartition(":")[0]

    with pytest.raises(TokenInvalid):
        tokens.read_checkin_token(f"{tampered}:{signature}", now=at(10))
