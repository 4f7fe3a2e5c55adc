"""Cross-origin protection without tokens, so pages with the reply form stay cacheable.

A token in the form would make every visitor's copy of a post page different. Browsers tell
us instead where a request comes from: `Sec-Fetch-Site` in current ones, `Origin` in older
ones, and failing both a `Referer` naming another site gives it away. A request that carries
none of them did not come from a browser page, so it cannot be a forgery riding on a visitor's
cookies. This follows Go's net/http CrossOriginProtection.

Signed-in people's pages are private anyway, so their form carries Django's CSRF token too,
and `token_refused` checks it: their cookies are worth more to a forger than a visitor's.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def is_cross_origin(request) -> bool:
    if request.method in SAFE_METHODS:
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        referer = request.headers.get("Referer")
        # No Referer at all is allowed: privacy settings and tools strip it.
        return referer is not None and not _is_own(request, _origin_of(referer))
    return not _is_own(request, origin)


def token_refused(request) -> bool:
    """Whether a POST lacks Django's CSRF token (or has a wrong one), as the middleware judges."""
    checker = CsrfViewMiddleware(lambda request: HttpResponse())
    # process_view answers None when the token is right and the failure page when it is not.
    return checker.process_view(request, _checked_view, (), {}) is not None


def _checked_view(request):
    """Stands for the view being checked: one the middleware does not exempt."""
    raise NotImplementedError


def _is_own(request, origin: str) -> bool:
    own_origin = f"{request.scheme}://{request.get_host()}"
    return origin == own_origin or origin in settings.CSRF_TRUSTED_ORIGINS


def _origin_of(address: str) -> str:
    try:
        parts = urlsplit(address)
    except ValueError:
        return ""  # not an address: never this site's
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def cross_origin_protected(view):
    """Use instead of Django's token check on forms that anonymous visitors post."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_cross_origin(request):
            raise PermissionDenied("This form can only be sent from this site.")
        return view(request, *args, **kwargs)

    return wrapper
