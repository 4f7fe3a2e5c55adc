"""Facts about the visitor sending a reply: their address and when they were shown the form."""

import ipaddress
import logging
import time

from django.conf import settings
from django.core import signing

_FORM_TIME_SALT = "comments.form-time"
logger = logging.getLogger("comments.client")
# Said once per process: a proxy's headers arrive on every request after the first.
_proxy_warning_given = False


def client_ip(request) -> str | None:
    """The visitor's address; behind TRUSTED_PROXY_COUNT proxies, the one they saw us from.

    Only the last proxies' entries in X-Forwarded-For can be trusted: anything further left
    was written by the client, which could be a spammer dodging the flood limits.
    """
    connected = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        warn_if_behind_an_unknown_proxy(connected, request)
    if proxies:
        chain = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        chain = [part for part in chain if part]
        if len(chain) >= proxies:
            # A damaged entry falls back to the connection's address: limits must not lapse.
            return _valid_ip(chain[-proxies]) or connected
    return connected


def warn_if_behind_an_unknown_proxy(connected: str | None, request) -> None:
    """Log once when a proxy on this machine forwards requests while TRUSTED_PROXY_COUNT is 0:
    every visitor then has the proxy's address and shares one set of flood limits.

    A system check cannot see this (it sees no request), so the first such request says it.
    """
    global _proxy_warning_given
    if _proxy_warning_given or "X-Forwarded-For" not in request.headers:
        return
    # A proxy on this machine: over loopback, or over a unix socket (no address at all).
    if connected is not None and not ipaddress.ip_address(connected).is_loopback:
        return
    _proxy_warning_given = True
    logger.warning(
        "A request from %s carried X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: every "
        "visitor shares the proxy's address and its flood limits. Behind one nginx, set "
        "TRUSTED_PROXY_COUNT=1 (deploy/production.env.example).",
        connected or "a unix socket",
    )


def _valid_ip(address) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except (TypeError, ValueError):
        return None


def form_issued_token(request, *, exact: bool = False) -> str:
    """A signed note of when the form was shown, checked when it comes back.

    Visitors without cookies share one cacheable copy of each page, so for them the time is
    rounded down to the shared cache's lifetime: the same bytes for everyone, and a gap that
    only ever looks longer than it was, so a person is never taken for a robot. The page's
    script asks for the exact time (`exact`) when someone starts writing.
    """
    now = int(time.time())
    if not exact and not request.COOKIES:
        step = max(settings.PUBLIC_CACHE_SECONDS, 1)
        now -= now % step
    return sign_form_time(now)


def sign_form_time(issued: int) -> str:
    """The form's hidden "issued" value for a time (seconds since the epoch)."""
    # A plain Signer: TimestampSigner would add the exact second again.
    return signing.Signer(salt=_FORM_TIME_SALT).sign_object(issued)


def seconds_since_issued(token: str) -> float | None:
    """Seconds since the form was shown, or None if the token is missing or was tampered with."""
    try:
        issued = signing.Signer(salt=_FORM_TIME_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(issued, int):
        return None
    return time.time() - issued
