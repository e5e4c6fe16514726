"""A member's pass: the signed token their card (static) or phone (rotating every 30 seconds)
carries, and the URL its QR code shows. Pure functions of their inputs and the clock, no database:
a forgery fails the HMAC and an old phone code its step before any row is read."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from timecredits.errors import Invalid
from timecredits.site import absolute_url

PASS_SALT = "members.pass"  # noqa: S105 - a signing namespace, not a secret
ROTATION_SECONDS = 30
# A phone's code is accepted during its own step and the next: at most a minute after it appeared.
STEPS_ACCEPTED = 2


class PassInvalid(Invalid):
    code = "token_invalid"
    message = _("This is not a member card we issued.")


class PassExpired(Invalid):
    code = "token_expired"
    message = _("This pass has changed since it was scanned. Scan the phone again.")


class PassRevoked(Invalid):
    code = "pass_revoked"
    message = _("This member card has been replaced. Ask the member for their new card.")


@dataclass(frozen=True)
class PassTicket:
    member_id: int
    pass_version: int
    rotating: bool


def _step(now: datetime) -> int:
    return math.floor(now.timestamp()) // ROTATION_SECONDS


def seconds_until_rotation(now: datetime) -> int:
    """How long a phone's pass code has left on screen before the next one replaces it (1 to 30)."""
    return ROTATION_SECONDS - math.floor(now.timestamp()) % ROTATION_SECONDS


def pass_token(*, member_id: int, pass_version: int, now: datetime | None = None) -> str:
    """A member's pass: static (printed card) without `now`, rotating (phone) with it."""
    payload = {"m": member_id, "v": pass_version}
    if now is not None:
        payload["t"] = _step(now)
    return signing.dumps(payload, salt=PASS_SALT, compress=True)


def _ticket(token: str) -> tuple[PassTicket, int | None]:
    """A genuine pass and, for a phone's, the step it was shown in; or PassInvalid."""
    try:
        payload = signing.loads(token, salt=PASS_SALT)
        member_id, version = payload["m"], payload["v"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as forged:
        raise PassInvalid() from forged
    step = payload.get("t")
    return PassTicket(member_id=member_id, pass_version=version, rotating=step is not None), step


def pass_ticket(token: str) -> PassTicket:
    """Whose genuine pass this is, whenever it was scanned: for finding the check-in a replayed
    scan already made, never for making one."""
    return _ticket(token)[0]


def read_pass_token(token: str, *, now: datetime) -> PassTicket:
    """The pass as it stood at `now` (the moment it was scanned): a phone's code is refused once
    it has changed."""
    ticket, step = _ticket(token)
    if ticket.rotating and not 0 <= _step(now) - step < STEPS_ACCEPTED:
        raise PassExpired()
    return ticket


def pass_shown_at(token: str) -> datetime | None:
    """When a genuine phone pass code appeared on the member's phone (its step's start); None for
    a card's, which does not change."""
    step = _ticket(token)[1]
    return None if step is None else datetime.fromtimestamp(step * ROTATION_SECONDS, tz=UTC)


def check_pass_version(ticket: PassTicket, current_version: int) -> None:
    if ticket.pass_version != current_version:
        raise PassRevoked()


def pass_token_in(text: str) -> str:
    """The token in what staff scanned or pasted: a whole pass address (…/p/<token>) or the
    token alone."""
    return text.strip().rsplit("/p/", 1)[-1]


def pass_url(member, *, rotating: bool = False) -> str:
    token = pass_token(
        member_id=member.pk,
        pass_version=member.pass_version,
        now=timezone.now() if rotating else None,
    )
    return absolute_url(f"/p/{token}")
