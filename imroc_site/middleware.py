import logging

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

from imroc_site.views import DATABASE_FAULTS, database_unavailable

logger = logging.getLogger("imroc_site.database")


class SharedCacheMiddleware:
    """Let shared HTTP caches keep public pages that every cookieless visitor sees alike.

    A visitor without cookies gets the same bytes as any other, so such a page may be cached
    publicly for a short while. A visitor with a cookie (staff, or someone with a reply awaiting
    moderation) may see something of their own, so their copy is private. Views that decide
    for themselves (the admin, downloads, `never_cache`) keep their own Cache-Control.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        patch_vary_headers(response, ["Cookie"])
        if request.COOKIES or response.cookies or response.status_code >= 500:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response


class DatabaseUnavailableMiddleware:
    """A view that meets a busy or unreachable database answers 503 with Retry-After.

    The fault is temporary (a writer holding SQLite's lock past the busy timeout, PostgreSQL
    restarting or hung past its timeouts): the visitor is told to come back instead of being
    shown "something went wrong". The next request opens a new connection (Django closes one
    that failed), so the site recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_FAULTS):
            return None
        # With the traceback: a missing table is an OperationalError too, and not temporary.
        logger.warning(
            "Database unavailable (%s %s): %s",
            request.method,
            request.path,
            exception,
            exc_info=True,
        )
        return database_unavailable(request)
