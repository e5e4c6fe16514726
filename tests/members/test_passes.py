"""A member's pass token: signed, static or rotating; rejected without touching the database."""

import datetime

import pytest

from timecredits.activities import tokens
from timecredits.activities.errors import TokenInvalid
from timecredits.members import passes
from timecredits.members.passes import PassExpired, PassInvalid

START = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)
END = START + datetime.timedelta(hours=2)


def at(minutes: float) -> datetime.datetime:
    return START + datetime.timedelta(minutes=minutes)


def test_static_pass_never_expires_and_rotating_pass_does():
    static = passes.pass_token(member_id=3, pass_version=2)
    rotating = passes.pass_token(member_id=3, pass_version=2, now=at(0))

    assert passes.read_pass_token(static, now=at(60 * 24 * 365)) == passes.PassTicket(3, 2, False)
    assert passes.read_pass_token(rotating, now=at(0.5)).rotating is True
    with pytest.raises(PassExpired):
        passes.read_pass_token(rotating, now=at(2))


def test_checkin_and_pass_tokens_cannot_stand_in_for_each_other():
    checkin = tokens.poster_token(session_id=3, starts_at=START, ends_at=END)
    member_pass = passes.pass_token(member_id=3, pass_version=1)

    with pytest.raises(PassInvalid):
        passes.read_pass_token(checkin, now=at(0))
    with pytest.raises(TokenInvalid):
        tokens.read_checkin_token(member_pass, now=at(0))
