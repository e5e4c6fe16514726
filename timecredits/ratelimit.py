"""A fixed-window rate limit in the shared cache, for actions people can repeat by mistake or on
purpose (check-ins, sign-ups). Raises `RateLimited` with how long to wait."""

import time

from django.core.cache import cache

from timecredits.errors import RateLimited


def rate_limit(key: str, *, limit: int, period: int) -> None:
    window = int(time.time() // period)
    cache_key = f"ratelimit:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        retry_after = period - int(time.time()) % period
        raise RateLimited(detail={"retry_after": retry_after})
