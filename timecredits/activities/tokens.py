"""Signed session check-in tokens (a poster's, a kiosk's): pure functions of their inputs and the
clock, no database. (A member's pass token is in members/passes.py.)

A forgery fails the HMAC; a poster token carries its own validity window and a kiosk token its
30-second step, so both are rejected or accepted before any row is read.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing

from .errors import SessionNotOpen, SessionOver, TokenExpired, TokenInvalid

CHECKIN_SALT = "activities.checkin"
POSTER_GRACE = timedelta(minutes=30)
KIOSK_STEP_SECONDS = 30
# A kiosk code is accepted during its own step and the next: at most a minute after it appeared.
KIOSK_STEPS_ACCEPTED = 2


@dataclass(frozen=True)
class CheckinTicket:
    session_id: int
    mode: str  # "poster" or "kiosk"


def _ts(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def kiosk_step(now: datetime) -> int:
    return _ts(now) // KIOSK_STEP_SECONDS


def kiosk_seconds_left(now: datetime) -> int:
    """How long the kiosk's current code stays on screen before the next one replaces it."""
    return KIOSK_STEP_SECONDS - _ts(now) % KIOSK_STEP_SECONDS


def door_window(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """When a session's door takes scans (its codes and members' passes): from half an hour
    before it starts until half an hour after it ends."""
    return starts_at - POSTER_GRACE, ends_at + POSTER_GRACE


def poster_token(*, session_id: int, starts_at: datetime, ends_at: datetime) -> str:
    opens, closes = door_window(starts_at, ends_at)
    payload = {"s": session_id, "m": "p", "a": _ts(opens), "b": _ts(closes)}
    return signing.dumps(payload, salt=CHECKIN_SALT, compress=True)


def kiosk_token(*, session_id: int, starts_at: datetime, ends_at: datetime, now: datetime) -> str:
    opens, closes = door_window(starts_at, ends_at)
    payload = {"s": session_id, "m": "k", "t": kiosk_step(now), "a": _ts(opens), "b": _ts(closes)}
    return signing.dumps(payload, salt=CHECKIN_SALT, compress=True)


def _payload(token: str) -> dict:
    """A genuine token's fields, or TokenInvalid."""
    try:
        payload = signing.loads(token, salt=CHECKIN_SALT)
    except (signing.BadSignature, TypeError, ValueError) as forged:
        raise TokenInvalid() from forged
    if not (isinstance(payload, dict) and {"s", "m", "a", "b"} <= payload.keys()):
        raise TokenInvalid()
    if payload["m"] not in ("p", "k"):
        raise TokenInvalid()
    return payload


def _ticket(payload: dict) -> CheckinTicket:
    return CheckinTicket(session_id=payload["s"], mode="kiosk" if payload["m"] == "k" else "poster")


def checkin_code_shown_at(token: str) -> datetime | None:
    """When a genuine kiosk code appeared on the door screen (its step's start); None for a
    poster's, which does not change."""
    payload = _payload(token)
    step = payload.get("t") if payload["m"] == "k" else None
    return None if step is None else datetime.fromtimestamp(step * KIOSK_STEP_SECONDS, tz=UTC)


def checkin_token_ticket(token: str) -> CheckinTicket:
    """What a genuine token names, whenever it was scanned: for finding the check-in a replayed
    scan already made, never for making one."""
    return _ticket(_payload(token))


def read_checkin_token(token: str, *, now: datetime) -> CheckinTicket:
    """The token as it stood at `now` (the moment it was scanned): refused if forged, if a kiosk
    code had already changed, or if the session's check-in was not open then."""
    payload = _payload(token)
    if payload["m"] == "k":
        age = kiosk_step(now) - payload.get("t", -10)
        if not 0 <= age < KIOSK_STEPS_ACCEPTED:
            raise TokenExpired()
    moment = _ts(now)
    if moment < payload["a"]:
        raise SessionNotOpen.at(datetime.fromtimestamp(payload["a"], tz=UTC))
    if moment > payload["b"]:
        raise SessionOver()
    return _ticket(payload)
