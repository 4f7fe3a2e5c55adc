"""What the site tells the shared cache in front (deploy/nginx/) and browsers: how long a
public page may be kept, and validators that tell two changes within one second apart."""

import calendar
import time

import pytest
import time_machine
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control

from freshness.stamp import mark_site_changed
from imroc_site.middleware import SharedCacheMiddleware
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_kept_by_shared_caches_only_and_briefly(client, settings):
    settings.SHARED_CACHE_SECONDS = 1
    with time_machine.travel("2026-12-07 12:00:30.7Z", tick=False):
        response = client.get(reverse("news:post_list"))

    assert response["Cache-Control"] == "public, max-age=0, s-maxage=1"
    # nginx serves its copy until the end of this very second, never into the next.
    assert response["X-Accel-Expires"] == f"@{calendar.timegm((2026, 12, 7, 12, 0, 30))}"


def test_a_longer_shared_lifetime_ends_that_many_seconds_on(client, settings):
    settings.SHARED_CACHE_SECONDS = 5
    now = int(time.time())
    response = client.get(reverse("news:home"))

    assert "s-maxage=5" in response["Cache-Control"]
    assert int(response["X-Accel-Expires"].removeprefix("@")) - now in {4, 5}


def test_no_shared_lifetime_means_no_copy_in_nginx(client, settings):
    settings.SHARED_CACHE_SECONDS = 0
    response = client.get(reverse("news:home"))

    assert response["X-Accel-Expires"] == "0"


def test_private_and_cookie_pages_get_no_shared_lifetime(client):
    client.cookies["csrftoken"] = "x" * 32
    response = client.get(reverse("news:home"))

    assert response["Cache-Control"] == "private, no-cache"
    assert not response.has_header("X-Accel-Expires")


def test_a_views_own_public_lifetime_is_capped_in_nginx_too(rf, settings):
    """A view's own public Cache-Control (a year, for a post's image) is left as it is for
    browsers; nginx still asks again within the shared lifetime, so a post taken down takes
    its image out of the cache as fast as its page."""
    settings.SHARED_CACHE_SECONDS = 1

    def image(request):
        response = HttpResponse(b"image")
        patch_cache_control(response, public=True, max_age=31_536_000, immutable=True)
        return response

    now = int(time.time())
    response = SharedCacheMiddleware(image)(rf.get("/media/renditions/a.webp"))

    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert int(response["X-Accel-Expires"].removeprefix("@")) - now in {0, 1}


def test_two_changes_within_one_second_get_two_etags(client):
    url = make_post().get_absolute_url()
    with time_machine.travel("2026-12-07 12:00:30.100Z", tick=False):
        mark_site_changed()
        first = client.get(url)
    with time_machine.travel("2026-12-07 12:00:30.600Z", tick=False):
        mark_site_changed()
        # What nginx sends when it revalidates its copy: both validators of the old one.
        again = client.get(
            url,
            headers={
                "If-None-Match": first["ETag"],
                "If-Modified-Since": first["Last-Modified"],
            },
        )

    assert first["ETag"].startswith('W/"')
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]  # whole seconds: no help here


def test_revalidating_an_unchanged_page_is_a_304_without_the_view(
    client, django_assert_max_num_queries
):
    url = make_post().get_absolute_url()
    etag = client.get(url)["ETag"]

    with django_assert_max_num_queries(2):  # the stamp and the posts' own moments
        response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=1"
    assert response.has_header("X-Accel-Expires")  # nginx takes the new lifetime from it


def test_visitors_with_a_cookie_get_an_etag_of_their_own_bytes(client):
    url = make_post().get_absolute_url()
    anonymous = client.get(url)["ETag"]
    client.cookies["csrftoken"] = "x" * 32

    assert client.get(url)["ETag"] != anonymous
