"""Degrade instead of failing when a shared service is down.

The cache (Redis when ``REDIS_URL`` is set) only holds counters that protect Strata from
floods: the API throttles and the suggest rate limit. Losing it for a while is better handled by
letting requests through than by refusing every request, so callers catch ``CACHE_ERRORS`` and
call ``note_cache_outage``, which logs at most once a minute per place, however many requests
meet the outage.
"""

from __future__ import annotations

import logging
import threading
import time

from redis.exceptions import RedisError

logger = logging.getLogger("strata.outages")

# What a cache backend raises when its server is unreachable, times out or drops the connection.
CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)

LOG_INTERVAL_SECONDS = 60.0

_last_logged: dict[str, float] = {}
_lock = threading.Lock()


def note_cache_outage(where: str, error: BaseException) -> bool:
    """Log that ``where`` let a request through because the cache failed; True if it logged.

    At most one line per ``where`` per ``LOG_INTERVAL_SECONDS`` in each process.
    """
    now = time.monotonic()
    with _lock:
        last = _last_logged.get(where)
        if last is not None and now - last < LOG_INTERVAL_SECONDS:
            return False
        _last_logged[where] = now
    logger.warning(
        "Cache unavailable (%s: %s); %s lets requests through until it is back "
        "(logged at most once a minute)",
        type(error).__name__,
        error,
        where,
    )
    return True


def reset_outage_log() -> None:
    """Forget when each outage was last logged (tests)."""
    with _lock:
        _last_logged.clear()
