import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from comments.client import client_ip
from imroc_site import two_factor
from imroc_site.views import DATABASE_FAULTS, database_unavailable

logger = logging.getLogger("imroc_site.database")


class SharedCacheMiddleware:
    """Let shared caches (the shipped nginx front) keep, for at most SHARED_CACHE_SECONDS, the
    public pages that every cookieless visitor sees alike; browsers keep none of them.

    A visitor without cookies gets the same bytes as any other, so such a page is
    `public, max-age=0, s-maxage=SHARED_CACHE_SECONDS`: a shared cache serves it for that long,
    then revalidates it (news.freshness answers 304 cheaply), and a browser asks again on every
    visit, so it sees a change at once. A visitor with a cookie (staff, or someone with a reply
    awaiting moderation) may see something of their own, so their copy is private. Views that
    decide for themselves (the admin, downloads, images, `never_cache`) keep their own
    Cache-Control.

    Every public response also says, in `X-Accel-Expires`, the last second nginx may serve it:
    nginx counts lifetimes in whole seconds from the second it stored a copy, so `s-maxage=1`
    alone would keep a page up to 2 s; an absolute time keeps the promise (and caps at the
    same lifetime a public image whose Cache-Control allows a year). nginx hides the header
    from visitors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return response
        if not response.has_header("Cache-Control"):
            patch_vary_headers(response, ["Cookie"])
            if request.COOKIES or response.cookies or response.status_code >= 500:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                shared = settings.SHARED_CACHE_SECONDS
                patch_cache_control(response, public=True, max_age=0, s_maxage=shared)
        if _is_public(response):
            response["X-Accel-Expires"] = _last_second_to_serve(settings.SHARED_CACHE_SECONDS)
        return response


def _is_public(response) -> bool:
    directives = {part.split("=")[0].strip() for part in response["Cache-Control"].split(",")}
    return "public" in directives and not directives & {"private", "no-store", "no-cache"}


def _last_second_to_serve(lifetime: int) -> str:
    """nginx's absolute form: serve until the end of that second, never longer than
    `lifetime` from now (0: not at all, nginx's own meaning of 0)."""
    if lifetime <= 0:
        return "0"
    return f"@{int(time.time()) + lifetime - 1}"


class TwoFactorRequiredMiddleware:
    """Hold staff to two-factor sign-in (after django-otp's OTPMiddleware).

    On staff pages (the admin, and the replies' moderation links, which act as a moderator)
    a session that has not given a code for the user's authenticator (one signed in before it
    was turned on) is signed out and sent to sign in again; a superuser who must have one is
    sent to set it up first. Elsewhere such a session is signed out and the page is shown as
    to any visitor, so it can never act as staff (a staff reply, say).
    """

    # The pages such a person may still reach: signing in and out, and setting it up.
    EXEMPT = {"admin:logout", "admin:login", "admin:jsi18n", "two_factor"}
    # Staff pages outside the admin's own namespace.
    STAFF_PAGES = {"comments:moderate_from_email", "comments:moderate", "comments:decide"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = request.user
        if not user.is_staff or match.view_name in self.EXEMPT:
            return None
        staff_page = match.namespace == "admin" or match.view_name in self.STAFF_PAGES
        device = two_factor.confirmed_device(user)  # read once: both rules below need it
        if device is not None and not user.is_verified():
            logout(request)
            if staff_page:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            return None
        if staff_page and device is None and two_factor.required_of(user):
            return redirect("two_factor")
        return None


class DatabaseUnavailableMiddleware:
    """A view that meets a busy or unreachable database answers 503 with Retry-After.

    The fault is temporary (a writer holding SQLite's lock past the busy timeout, PostgreSQL
    restarting or hung past its timeouts): the visitor is told to come back instead of being
    shown "something went wrong". The site recovers by itself once the database is back: a
    PostgreSQL connection that failed is closed and the next request opens a new one; a
    SQLite connection stays usable (a lock past the busy timeout breaks nothing) and the next
    request simply asks again.
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


class UnknownProxyWarningMiddleware:
    """Says once, in the log, that a proxy on this machine forwards requests while
    TRUSTED_PROXY_COUNT is 0, at the first such request of any page (not only at the first
    reply): reading the visitor's address (comments.client) is what notices it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TRUSTED_PROXY_COUNT == 0 and "X-Forwarded-For" in request.headers:
            client_ip(request)
        return self.get_response(request)
