"""Throttling password guesses, for every way in (sign-in page, admin, API token), and sign-ups.

Failed sign-ins are counted per account and per client address (an IPv6 /64) in the shared cache,
in windows of LOGIN_LOCKOUT_MINUTES. When either count reaches its limit, that account or address
is locked for LOGIN_LOCKOUT_MINUTES: every attempt, even with the right password, is refused. The
lock is time-limited so that someone guessing at a victim's account can only keep them out for a
cool-off at a time, never for good. The address limit is far higher than the account limit, so
a room of people on one Wi-Fi mistyping their passwords does not lock each other out.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from timecredits.errors import RateLimited
from timecredits.ratelimit import (
    client_network,
    rate_limit,
    window_count,
    window_forgive,
    window_reset,
)

DEVICE_COOKIE = "signed_in_before"
DEVICE_SALT = "members.throttle.device"
DEVICE_MAX_AGE = 365 * 24 * 3600


class LoginLockedOut(RateLimited):
    """Answered like any other rate limit (429, code rate_limited), with its own message."""


def _period() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES * 60


def _keys(request, *, user, identifier: str) -> list[tuple[str, int]]:
    if user is not None:
        account = f"user:{user.pk}"  # username, email and phone share one count
    else:
        account = "name:" + hashlib.sha256(identifier.strip().lower().encode()).hexdigest()
    return [
        (f"login:account:{account}", settings.LOGIN_FAILURES_PER_ACCOUNT),
        (f"login:address:{client_network(request)}", settings.LOGIN_FAILURES_PER_ADDRESS),
    ]


def known_device(request, *, user) -> bool:
    """Did this browser sign in to this account before (see `remember_device`)?"""
    if user is None:
        return False
    signed_in_as = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
    )
    return signed_in_as == str(user.pk)


def remember_device(response, *, user) -> None:
    """After a sign-in on the page: a signed cookie, so that guesses at this account from
    elsewhere cannot keep its owner out on their own phone (OWASP's "device cookies")."""
    response.set_signed_cookie(
        DEVICE_COOKIE,
        str(user.pk),
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _locked_out(seconds: float) -> LoginLockedOut:
    minutes = math.ceil(seconds / 60)
    return LoginLockedOut(
        ngettext(
            "Too many wrong passwords. Wait %(minutes)d minute and try again. If you have "
            "forgotten your password, ask your coordinator to set a new one.",
            "Too many wrong passwords. Wait %(minutes)d minutes and try again. If you have "
            "forgotten your password, ask your coordinator to set a new one.",
            minutes,
        )
        % {"minutes": minutes},
        detail={"retry_after": math.ceil(seconds)},
    )


def _lock(key: str) -> None:
    cache.set(f"{key}:locked", time.time() + _period(), timeout=_period() + 1)


def login_check(request, *, user, identifier: str) -> None:
    """Before the password is checked: raise LoginLockedOut, saying how long to wait, if this
    account or address is locked; else count this attempt, and lock (and refuse) once a count is
    past its limit. Counting before the check (the cache's incr is atomic in Redis) means guesses
    sent all at once are counted as they arrive: counted after, 25 at once had 18 checked against
    a limit of 10. An account's lock does not hold on a device its owner signed in on before; an
    address's does."""
    now = time.time()
    keys = _keys(request, user=user, identifier=identifier)
    if known_device(request, user=user):
        keys = keys[1:]
    locks = [f"{key}:locked" for key, _limit in keys]
    waits = [until - now for until in cache.get_many(locks).values() if until > now]
    if waits:
        raise _locked_out(max(waits))
    for key, limit in keys:
        if window_count(key, period=_period()) > limit:
            _lock(key)
            raise _locked_out(_period())


def login_failed(request, *, user, identifier: str) -> None:
    """The failure locks what reached its limit. `login_check` counted the attempt, all but the
    account's on a device its owner signed in on before, which is counted now."""
    period = _period()
    window = int(time.time() // period)
    keys = _keys(request, user=user, identifier=identifier)
    for n, (key, limit) in enumerate(keys):
        if n == 0 and known_device(request, user=user):
            count = window_count(key, period=period)
        else:
            count = cache.get(f"ratelimit:{key}:{window}") or 0
        if count >= limit:
            _lock(key)


def login_succeeded(request, *, user) -> None:
    """The account's failures are forgiven; of the address's (others may share it), only this
    attempt, which was counted before the password was checked."""
    (account, _limit), (address, _address_limit) = _keys(request, user=user, identifier="")
    window_reset(account, period=_period())
    window_forgive(address, period=_period())


def signup_rate_limit(network: str) -> None:
    """Sign-ups per client address (`client_network` of the request): generous, as a whole room
    may join on one Wi-Fi."""
    rate_limit(
        f"signup:{network}",
        limit=settings.SIGNUPS_PER_ADDRESS_PER_HOUR,
        period=3600,
    )


def password_reset_allowed(request, *, email: str) -> bool:
    """Password reset emails: per client address a visible limit (RateLimited, which says nothing
    about any account), and per email address a silent one (False: send nothing, answer as if
    sent), so that the page never tells whether an address has an account and nobody can flood
    someone's inbox."""
    period = 3600
    rate_limit(
        f"password-reset:address:{client_network(request)}",
        limit=settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR,
        period=period,
    )
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    try:
        rate_limit(
            f"password-reset:email:{address}",
            limit=settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR,
            period=period,
        )
    except RateLimited:
        return False
    return True
