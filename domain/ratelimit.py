"""One rate limiter for every anonymous write, whichever door it comes through: the portal's
forms (login, password reset, company registration), the API's token login and registration,
and the bot's invite links. A scope's budget is shared by the doors, so twelve registrations
from one address stop at the tenth whether they came through the portal or the API.

Moving windows from the ``limits`` library (the worker's Telegram limits use it too): in memory
per process by default, in Redis when ``REDIS_URL`` is set, so every web process shares them.
The rates are ``settings.NEXTWORK_RATE_LIMITS`` (scope → ``"10/hour"``), read at each call.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from limits import parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Seconds until one more attempt would be allowed (0 when allowed).
    retry_after: int = 0


@cache
def _storage(redis_url: str) -> Storage:
    if not redis_url:
        return storage_from_string("memory://")
    return storage_from_string(redis_url, key_prefix="NEXTWORK_RATE", wrap_exceptions=True)


def _limiter() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(_storage(settings.REDIS_URL))


def rate_limit_hit(*, scope: str, key: str) -> Verdict:
    """Count one attempt of ``scope`` by ``key`` (a client address, a Telegram id); refused
    when the scope's budget for that key is spent. A refused attempt is not counted."""
    item = parse(settings.NEXTWORK_RATE_LIMITS[scope])
    limiter = _limiter()
    try:
        if limiter.hit(item, scope, key):
            return Verdict(allowed=True)
        reset_at = limiter.get_window_stats(item, scope, key).reset_time
    except StorageError:
        # Redis is down: let people sign in (django-axes still locks a guessed username)
        # rather than lock everyone out; the log says why the limit did not hold.
        logger.warning("Rate limit %s not checked: its storage is unreachable", scope)
        return Verdict(allowed=True)
    return Verdict(allowed=False, retry_after=max(1, math.ceil(reset_at - time.time())))


def rate_limits_reset() -> None:
    """Forget every count (tests, and an operator lifting a mistaken block)."""
    _limiter().storage.reset()
