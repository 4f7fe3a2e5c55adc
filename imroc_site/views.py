import sys
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from imroc_site import two_factor
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


def sign_in_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a refused sign-in: 429, in the site's layout, with when to retry.

    A further failed attempt starts the wait again, so the time is counted from now.
    """
    wait = settings.AXES_COOLOFF_TIME
    # Rounded up to the minute shown, so "after 14:28" is never a little too early.
    ends = (timezone.now() + wait).replace(second=0, microsecond=0) + timedelta(minutes=1)
    context = {"try_again_at": ends, "minutes": int(wait.total_seconds() // 60)}
    response = render(request, "sign_in_locked.html", context, status=429)
    response["Retry-After"] = str(int(wait.total_seconds()))
    return response


class CodeForm(forms.Form):
    token = forms.CharField(label="Code from your app", widget=two_factor.CODE_WIDGET)


@never_cache
@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_settings(request):
    """Staff turn two-factor sign-in on (QR code, secret, a first code) or off (a code)."""
    device = two_factor.confirmed_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        done = (two_factor.disable if device else two_factor.enable)(request, token=token)
        if done:
            message = "turned off" if device else "turned on"
            messages.success(request, f"Two-factor sign-in is {message}.")
            return redirect("two_factor")
        form.add_error("token", "That code is wrong or has expired: enter the current one.")
    context = {
        **admin.site.each_context(request),
        "title": "Two-factor sign-in",
        "form": form,
        "enabled": device is not None,
        "required": two_factor.must_set_up(request.user),
    }
    if device is None:
        pending = two_factor.pending_device(request.user)
        context["qr_code"] = two_factor.qr_code_data_uri(pending)
        context["secret"] = two_factor.secret_text(pending)
    return render(request, "admin/two_factor.html", context)


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
