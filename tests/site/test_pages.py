"""What every page gets from the site: error pages, shared caching, 304s, CSP."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.views import defaults

from tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_error_pages_use_the_site_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "Skip to main content" in html


def test_anonymous_visitors_get_identical_cacheable_pages(client):
    post = make_post()
    for url in (reverse("news:home"), post.get_absolute_url()):
        # The reply form's time is rounded to the cache's lifetime: 20 s apart, same bytes.
        with time_machine.travel("2026-11-28 12:00:30Z", tick=False):
            first = client.get(url)
        with time_machine.travel("2026-11-28 12:00:50Z", tick=False):
            second = client.__class__().get(url)
        assert first.content == second.content
        assert not first.cookies
        assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]
        assert "Cookie" in first["Vary"]
        assert first["ETag"]


def test_unchanged_page_answers_304(client):
    url = make_post().get_absolute_url()
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_pages_allow_nothing_from_other_origins(client):
    policy = client.get(reverse("news:home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


@pytest.mark.parametrize(
    "handler, status, heading",
    [
        ("bad_request", 400, "Bad request"),
        ("permission_denied", 403, "Not allowed"),
        ("server_error", 500, "Something went wrong"),
    ],
)
def test_other_error_pages_render_in_the_site_layout(rf, handler, status, heading):
    request = rf.get("/")
    view = getattr(defaults, handler)
    response = view(request) if handler == "server_error" else view(request, Exception())
    html = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html and "Skip to main content" in html
