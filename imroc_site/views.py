from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
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
