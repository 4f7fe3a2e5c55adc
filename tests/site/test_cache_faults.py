"""A shared cache that fails (Redis stopped) costs speed, never a page (freshness/kept.py):
pages, fragments and kept counts are rendered as if nothing had been kept."""

import logging

import pytest
from django.urls import reverse

from freshness import kept
from tests.factories import make_comment, make_post
from tests.servers import free_port

pytestmark = pytest.mark.django_db

LIST = reverse("news:post_list")


@pytest.fixture
def redis_gone(settings, monkeypatch):
    """Django's RedisCache pointed at a port nothing listens on: every call is refused."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 300
    monkeypatch.setattr(kept, "_resting_until", 0.0)


def test_pages_are_served_whole_while_the_cache_is_down(client, redis_gone, caplog):
    post = make_post(title="Open day at the Recovery College")
    make_comment(post, text="A reply worth reading")

    with caplog.at_level(logging.WARNING, logger="freshness.kept"):
        for _ in range(2):
            listed = client.get(LIST)  # cookieless: the page cache's door
            assert listed.status_code == 200
            assert "Open day at the Recovery College" in listed.content.decode()
        client.cookies["returning"] = "1"  # a cookie: fragments and kept counts instead
        shown = client.get(post.get_absolute_url())
        assert shown.status_code == 200
        assert "A reply worth reading" in shown.content.decode()
        assert client.get(f"{LIST}?page=1").status_code == 200

    warnings = [r for r in caplog.records if r.name == "freshness.kept"]
    # Said once, then the cache is left alone for a while rather than asked on every request.
    assert len(warnings) == 1
    assert "ConnectionError" in warnings[0].getMessage()


def test_the_cache_is_asked_again_after_its_rest(redis_gone, monkeypatch, caplog):
    with caplog.at_level(logging.WARNING, logger="freshness.kept"):
        assert kept.read("some-key") is None
        assert kept.read("some-key") is None  # resting: not asked
        monkeypatch.setattr(kept, "_resting_until", 0.0)  # as if RETRY_AFTER_SECONDS passed
        kept.keep("some-key", "value", 10)
    assert len([r for r in caplog.records if r.name == "freshness.kept"]) == 2


def test_a_working_cache_keeps_and_gives_back(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(kept, "_resting_until", 0.0)
    kept.keep("kept-test", {"count": 3}, 10)
    assert kept.read("kept-test") == {"count": 3}
    assert kept.read("never-kept") is None
