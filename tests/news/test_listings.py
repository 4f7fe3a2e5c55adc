"""The home page, the news list and the archives by category, tag, year and month."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Category, Post
from tests.factories import make_post
from tests.news.conftest import LONDON, category, count_queries, grow, make_event, page

pytestmark = pytest.mark.django_db


# --- Home and listings --------------------------------------------------------------------


def test_home_shows_newest_posts_and_next_upcoming_events(client):
    older = make_post(title="Older news", days_ago=5)
    newer = make_post(title="Newer news", days_ago=1)
    make_post(title="Secret draft", status=Post.Status.DRAFT)
    later = make_event("Conference in spring", starts_in_days=60)
    sooner = make_event("Workshop next week", starts_in_days=7)
    make_event("Last year's event", starts_in_days=-300)

    html = page(client, reverse("news:home"))

    assert "<h1>Latest News and Events</h1>" in html
    upcoming = html[html.index("Upcoming events") : html.index("All events")]
    assert upcoming.index(sooner.title) < upcoming.index(later.title)
    assert "Last year&#x27;s event" not in upcoming
    assert html.index(newer.title) < html.index(older.title)
    assert "Secret draft" not in html


def test_home_lists_pinned_posts_first_and_only_there(client):
    pinned_old = make_post(title="Pinned long ago", days_ago=40, sticky=True)
    for day in range(8):  # more than the home page shows: the pinned post would fall off
        make_post(title=f"Recent story {day}", days_ago=day + 1)
    make_post(title="Pinned draft", status=Post.Status.DRAFT, sticky=True)

    home = page(client, reverse("news:home"))
    assert home.index(pinned_old.title) < home.index("Recent story 0")
    assert "Pinned draft" not in home
    assert home.count("Recent story") == 5  # six on the home page, one of them pinned
    # Only the home page pins: the list of all news stays newest first.
    listing = page(client, reverse("news:post_list"))
    assert listing.index("Recent story 0") < listing.index(pinned_old.title)


def test_listing_has_numbered_pages(client):
    for day in range(25):
        make_post(title=f"Story {day:02d}", days_ago=day + 1)

    first = page(client, reverse("news:post_list"))
    third = page(client, reverse("news:post_list"), page=3)

    assert "Story 00" in first and "Story 09" in first and "Story 10" not in first
    assert 'href="?page=2"' in first and 'href="?page=3"' in first
    assert '<span aria-current="page"><span class="visually-hidden">Page </span>1</span>' in first
    assert "Story 20" in third and "Story 24" in third and 'rel="prev"' in third
    assert client.get(reverse("news:post_list"), {"page": 9}).status_code == 404


@pytest.mark.parametrize("url_name", ["home", "post_list"])
def test_empty_states(client, url_name):
    make_post(status=Post.Status.DRAFT)
    assert "Nothing has been published" in page(client, reverse(f"news:{url_name}"))


def test_category_archive(client):
    news_post = make_post(title="A news item")
    event = make_event("An event", starts_in_days=3)

    html = page(client, Category.objects.get(slug="news").get_absolute_url())

    assert "<h1>News</h1>" in html and news_post.title in html and event.title not in html
    assert client.get(reverse("news:category", kwargs={"slug": "nope"})).status_code == 404


def test_events_archive_lists_upcoming_first_and_marks_past_ones(client):
    past = make_event("Past gathering", starts_in_days=-10, days_ago=30)
    far = make_event("Far future", starts_in_days=90, days_ago=2)
    near = make_event("Coming soon", starts_in_days=2, days_ago=20)

    html = page(client, category("events").get_absolute_url())

    assert html.index(near.title) < html.index(far.title) < html.index(past.title)
    past_card = html[html.index(past.title) :]
    assert "Past event" in past_card[:800]
    assert "Upcoming event" in html[html.index(near.title) :][:800]


def test_tag_archive(client):
    tagged = make_post(title="About co-production")
    tagged.tags.add("Co-production")
    make_post(title="Untagged")

    html = page(client, reverse("news:tag", kwargs={"slug": "co-production"}))

    assert "Posts tagged “Co-production”" in html
    assert tagged.title in html and "Untagged" not in html


def test_year_and_month_archives(client):
    march = make_post(title="March 2024", published_at=datetime(2024, 3, 10, 9, tzinfo=LONDON))
    june = make_post(title="June 2024", published_at=datetime(2024, 6, 1, 9, tzinfo=LONDON))
    make_post(title="Year 2023", published_at=datetime(2023, 5, 1, 9, tzinfo=LONDON))

    year = page(client, reverse("news:year", kwargs={"year": 2024}))
    month = page(client, reverse("news:month", kwargs={"year": 2024, "month": 3}))
    empty = page(client, reverse("news:month", kwargs={"year": 2024, "month": 1}))

    assert march.title in year and june.title in year and "Year 2023" not in year
    assert "News and events from March 2024" in month
    assert march.title in month and june.title not in month
    assert "Nothing was published in January 2024." in empty
    assert client.get("/news/2024/13/").status_code == 404


def test_a_tag_only_drafts_use_has_no_public_page(client):
    make_post(status=Post.Status.DRAFT).tags.add("Secret merger")
    assert client.get(reverse("news:tag", kwargs={"slug": "secret-merger"})).status_code == 404


@pytest.mark.parametrize("path", ["/news/0/", "/news/99999/", "/news/2024/13/", "/news/2024/0/"])
def test_impossible_archive_dates_are_not_found(client, path):
    assert client.get(path).status_code == 404


# --- Constant query counts ----------------------------------------------------------------


def test_listing_pages_run_a_constant_number_of_queries(client, django_assert_max_num_queries):
    make_event("An event", starts_in_days=3)
    grow([make_post(days_ago=1)], tags_each=1, papers_each=1, comments_each=1)
    urls = lambda: [  # noqa: E731
        reverse("news:home"),
        reverse("news:post_list"),
        Category.objects.get(slug="news").get_absolute_url(),
        category("events").get_absolute_url(),
        reverse("news:year", kwargs={"year": timezone.localdate().year}),
        reverse("news:tag", kwargs={"slug": "tag-0-0"}),
    ]
    few = [count_queries(client, url, django_assert_max_num_queries) for url in urls()]

    grow([make_post(days_ago=1 + n) for n in range(30)], tags_each=4, papers_each=2)
    for _ in range(5):
        make_event("More events", starts_in_days=4)
    for post in Post.objects.all():
        post.tags.add("tag 0-0")
    many = [count_queries(client, url, django_assert_max_num_queries) for url in urls()]

    assert few == many
