import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from imroc_site.health import database_problem

# Faults of the database itself (locked past the busy timeout, stopped, unreachable, timed
# out), not of a query: they pass, so the visitor is asked to come back, not shown a bug.
DATABASE_FAULTS = (OperationalError, InterfaceError)
# Seconds a visitor (or a crawler) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


@never_cache
@require_safe
def healthz(request):
    """200 when the database takes a write in time, 503 when not: always within 3 s (health.py)."""
    problem = database_problem()
    if problem is not None:
        return JsonResponse({"status": "error", "database": problem}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def robots_txt(request):
    """Crawlers may read everything public; the admin is for staff; the sitemap lists it all."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /preview/", f"Sitemap: {sitemap_url}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return HttpResponsePermanentRedirect(static("imroc_site/favicon.svg"))


@require_safe
def privacy_notice(request):
    """What the site keeps about visitors, and for how long, in the settings' own numbers."""
    context = {
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        "purge_days": settings.COMMENTS_PURGE_DAYS,
        "erase_ip_days": settings.COMMENTS_ERASE_IP_DAYS,
    }
    return render(request, "privacy.html", context)


def database_unavailable(request):
    """503 with Retry-After, in the site's layout, rendered without touching the database.

    Rendered without the request, so no context processor runs (none reads the session, the
    user or the messages, which may all live in the database that is failing).
    """
    site = {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": settings.SITE_TAGLINE}
    response = HttpResponse(render_to_string("503.html", site), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """Django's 500 page; but a database fault raised by a middleware (the session's save, say)
    gets the 503 page, as one raised by a view does (DatabaseUnavailableMiddleware)."""
    if isinstance(sys.exc_info()[1], DATABASE_FAULTS):
        return database_unavailable(request)
    return defaults.server_error(request)
