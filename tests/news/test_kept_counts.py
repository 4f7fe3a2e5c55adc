"""A public list's count is kept until content changes (news/kept_counts.py), and never stale."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.freshness import forget_moments
from news.kept_counts import kept_count
from news.models import Post
from news.services import unpublish
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def counts_run(queryset) -> tuple[int, int]:
    """The count, and how many COUNT queries it took."""
    with CaptureQueriesContext(connection) as queries:
        count = kept_count(queryset)
    return count, sum("COUNT(" in query["sql"] for query in queries)


def test_a_count_is_asked_once_until_content_changes():
    make_post()
    make_post()
    assert counts_run(Post.objects.published()) == (2, 1)
    # A new request's "now" differs, yet nothing changed since: the kept count.
    assert counts_run(Post.objects.published()) == (2, 0)

    make_post()
    assert counts_run(Post.objects.published()) == (3, 1)


def test_different_lists_keep_different_counts():
    make_post(days_ago=400)
    make_post(days_ago=1)
    make_post(days_ago=2)
    year = timezone.localtime().year
    this_year = Post.objects.published().filter(published_at__year=year)
    last_year = Post.objects.published().filter(published_at__year=year - 1)
    expected = Post.objects.published().filter(published_at__year=year).count()
    assert kept_count(this_year) == expected
    assert kept_count(last_year) == 3 - expected
    assert kept_count(Post.objects.published()) == 3


def test_a_scheduled_post_is_counted_once_it_appears_and_an_expired_one_no_more():
    now = timezone.now()
    make_post()
    make_post(published_at=now + timedelta(minutes=5))
    make_post(expires_at=now + timedelta(minutes=10))
    assert kept_count(Post.objects.published()) == 2

    with time_machine.travel(now + timedelta(minutes=6)):
        forget_moments()  # another process, or this one once its memo runs out
        assert kept_count(Post.objects.published()) == 3
    with time_machine.travel(now + timedelta(minutes=11)):
        assert kept_count(Post.objects.published()) == 2


def test_the_news_list_numbers_its_pages_by_the_current_count(client, admin_user):
    for n in range(10):
        make_post(title=f"Post {n}", days_ago=n + 1)
    news = reverse("news:post_list")
    assert b"page=2" not in client.get(news).content

    newest = make_post(title="One more")
    assert b"page=2" in client.get(news).content

    unpublish(Post.objects.filter(pk=newest.pk), by=admin_user)
    assert b"page=2" not in client.get(news).content


def test_the_same_rows_in_another_order_or_with_their_relations_share_one_count():
    """The key names which rows are counted, not how they are shown: a list ordered otherwise,
    or loading its categories, asks no second COUNT; a slice or a filter is another count."""
    for _ in range(3):
        make_post()
    published = Post.objects.published()

    assert counts_run(published.order_by("pk")) == (3, 1)
    assert counts_run(published.order_by("-published_at").select_related("category")) == (3, 0)
    assert counts_run(published.for_listing()) == (3, 0)
    assert counts_run(published.order_by("pk")[:2]) == (2, 1)
    assert counts_run(published.order_by("pk")[1:]) == (2, 1)
    assert counts_run(published.filter(title__startswith="Nothing")) == (0, 1)
