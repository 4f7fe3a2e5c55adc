"""Cross-origin protection without tokens, so pages with the reply form stay cacheable.

A token in the form would make every visitor's copy of a post page different. Browsers tell
us instead where a request comes from: `Sec-Fetch-Site` in current ones, `Origin` in older
ones. A request that carries neither did not come from a browser page, so it cannot be a
forgery riding on a visitor's cookies. This follows Go's net/http CrossOriginProtection.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
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
        return False
    own_origin = f"{request.scheme}://{request.get_host()}"
    return origin != own_origin and origin not in settings.CSRF_TRUSTED_ORIGINS


def cross_origin_protected(view):
    """Use instead of Django's token check on forms that anonymous visitors post."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_cross_origin(request):
            raise PermissionDenied("This form can only be sent from this site.")
        return view(request, *args, **kwargs)

    return wrapper
