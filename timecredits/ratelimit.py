"""Fixed-window counting in the shared cache, for actions people can repeat by mistake or on
purpose (check-ins, sign-ups, sign-in failures), and the client address those limits key on.
`rate_limit` raises `RateLimited` with how long to wait."""

import contextlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

from timecredits.db import retrying
from timecredits.errors import RateLimited


def window_count(key: str, *, period: int) -> int:
    """Count one more for this key in the current window of `period` seconds; return the count."""
    window = int(time.time() // period)
    cache_key = f"ratelimit:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        return cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        return 1


def window_reset(key: str, *, period: int) -> None:
    cache.delete(f"ratelimit:{key}:{int(time.time() // period)}")


def window_forgive(key: str, *, period: int) -> None:
    """Count one less for this key in the current window (one that was counted in advance)."""
    cache_key = f"ratelimit:{key}:{int(time.time() // period)}"
    with contextlib.suppress(ValueError):  # the window has turned since: nothing to forgive
        if cache.decr(cache_key) < 0:  # counted in the window before: give nothing back
            cache.incr(cache_key)


def rate_limit(key: str, *, limit: int, period: int) -> None:
    if retrying():  # the request was counted, and let through, on its transaction's first run
        return
    count = window_count(key, period=period)
    if count > limit:
        retry_after = period - int(time.time()) % period
        raise RateLimited(detail={"retry_after": retry_after})


def client_address(request) -> str:
    """The address the request came from, trusting only the proxies we run.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it was reached from to
    X-Forwarded-For, so the client is the Nth entry from the right; anything left of it was
    written by the client and can be anything. With no trusted proxy, REMOTE_ADDR is the client.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:  # it did not come through all our proxies
        return remote
    return forwarded[-proxies]


def client_network(request) -> str:
    """The client's address for counting: an IPv6 address as its /64, since one household or
    phone is given a whole /64 and could otherwise step to a fresh address for each guess."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
