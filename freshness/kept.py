"""Reading and writing what pages keep in the shared cache, so that a cache that fails costs
speed, never a page.

The page cache, the fragments and the kept counts only save work: each can always be redone.
So when the cache itself is down (Redis stopped or unreachable, a full disk under a file
cache), `read` answers "not kept" and `keep` keeps nothing, and the page is rendered as if
nothing had been kept. One failure is logged, then the cache is left alone for
RETRY_AFTER_SECONDS, so a Redis that is gone costs one refused connection per process every
few seconds, not one per request. A Redis that hangs is bounded by the socket timeouts the
settings give it (settings: CACHES).
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger("freshness.kept")

# How long a process leaves a failed cache alone before asking it again.
RETRY_AFTER_SECONDS = 5.0

_resting_until = 0.0  # monotonic moment; 0: the cache is used


def read(key: str):
    """The value kept under `key`, or None when nothing is kept or the cache is failing."""
    if _resting():
        return None
    try:
        return cache.get(key)
    except Exception as error:  # noqa: BLE001 # any backend's fault: the page goes on without
        _failed("read", error)
        return None


def keep(key: str, value, seconds: float) -> None:
    """Keep `value` under `key` for `seconds`; nothing when the cache is failing."""
    if _resting():
        return
    try:
        cache.set(key, value, seconds)
    except Exception as error:  # noqa: BLE001 # any backend's fault: the page goes on without
        _failed("write", error)


def _resting() -> bool:
    return _resting_until > time.monotonic()


def _failed(action: str, error: Exception) -> None:
    global _resting_until  # noqa: PLW0603 # one flag per process, as the cache client is
    _resting_until = time.monotonic() + RETRY_AFTER_SECONDS
    logger.warning(
        "The shared cache failed to %s (%s: %s): pages are rendered without it for %.0f s.",
        action,
        type(error).__name__,
        error,
        RETRY_AFTER_SECONDS,
    )
