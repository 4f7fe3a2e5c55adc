"""RSS and Atom feeds, and the conditional answers of feeds and calendars."""

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import Document
from news.freshness import forget_moments
from tests.factories import attach, make_document, make_post, make_unpublished_posts
from tests.news.conftest import (
    ATOM,
    DC,
    FEEDS,
    SERVER,
    an_illustrated_post,
    category,
    feed_titles,
    get_calendar,
    get_xml,
    make_event,
    make_rich_posts,
    parse,
    rss_items,
)

pytestmark = pytest.mark.django_db


# --- RSS and Atom -------------------------------------------------------------------------


def test_rss_describes_each_post_and_gives_its_first_paper(client, django_user_model):
    post, (first, _) = an_illustrated_post(django_user_model)
    post.refresh_from_db()

    response = client.get(reverse("news:rss"))

    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = parse(response).find("channel")
    assert channel.findtext("title") == "ImROC: news and events"
    assert channel.findtext("link") == f"{SERVER}/"
    (item,) = channel.findall("item")
    assert item.findtext("title") == "Peer support & recovery"
    assert item.findtext("link") == f"{SERVER}{post.get_absolute_url()}"
    assert item.findtext("description") == "What peer workers bring."
    assert parsedate_to_datetime(item.findtext("pubDate")) == post.published_at
    assert item.findtext(f"{DC}creator") == "Jo Smith"
    assert [c.text for c in item.findall("category")] == ["News", "Peer support", "Training"]
    (enclosure,) = item.findall("enclosure")
    assert enclosure.attrib == {
        "url": f"{SERVER}{first.get_download_url()}",
        "length": str(first.size),
        "type": "application/pdf",
    }
    assert first.size > 0


def test_atom_gives_every_paper_in_order(client, django_user_model):
    post, papers = an_illustrated_post(django_user_model)
    post.refresh_from_db()

    response = client.get(reverse("news:atom"))

    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    (entry,) = parse(response).findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Peer support & recovery"
    assert entry.findtext(f"{ATOM}summary") == "What peer workers bring."
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Jo Smith"
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == post.published_at
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == post.updated_at
    terms = [c.get("term") for c in entry.findall(f"{ATOM}category")]
    assert terms == ["News", "Peer support", "Training"]
    enclosures = [link.attrib for link in entry.findall(f"{ATOM}link[@rel='enclosure']")]
    assert enclosures == [
        {
            "rel": "enclosure",
            "href": f"{SERVER}{paper.get_download_url()}",
            "length": str(paper.size),
            "type": "application/pdf",
        }
        for paper in papers
    ]


@pytest.mark.parametrize("feed", FEEDS)
def test_staff_only_papers_are_never_enclosed(client, feed):
    post = make_post(title="With an internal paper")
    internal = make_document(title="Internal", name="internal.pdf")
    internal.visibility = Document.Visibility.STAFF
    internal.save()
    shared = make_document(title="Shared", name="shared.pdf")
    attach(post, internal, shared)

    body = client.get(reverse(feed)).content.decode()

    assert internal.get_download_url() not in body
    assert shared.get_download_url() in body


def test_feeds_list_newest_first_and_stop_at_twenty(client):
    for day in range(25):
        make_post(title=f"Story {day:02d}", days_ago=day + 1)

    for name in FEEDS:
        titles = feed_titles(client, reverse(name))
        assert titles == [f"Story {day:02d}" for day in range(20)], name


def test_description_is_the_summary_as_plain_text_or_the_start_of_the_body(client):
    make_post(title="No excerpt", body="<p>Fish &amp; <strong>chips</strong></p><p>by the sea.</p>")

    (item,) = rss_items(client, reverse("news:rss"))

    # HTML for feed readers: the ampersand written as an entity, no tags.
    assert item.findtext("description") == "Fish &amp; chips by the sea."


def test_posts_without_an_author_are_the_sites(client):
    make_post()

    root = get_xml(client, reverse("news:atom"))

    assert root.findtext(f"{ATOM}author/{ATOM}name") == "ImROC"
    assert root.find(f"{ATOM}entry/{ATOM}author") is None


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_category_feeds_list_only_that_category(client, kind):
    make_post(title="General news")
    make_event("An event", starts_in_days=10)
    url = reverse(f"news:category_{kind}", kwargs={"slug": "events"})

    assert feed_titles(client, url) == ["An event"]
    root = get_xml(client, url)
    title = root.findtext("channel/title") or root.findtext(f"{ATOM}title")
    assert title == "ImROC: Events"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_unknown_category_feed_is_not_found(client, kind):
    response = client.get(reverse(f"news:category_{kind}", kwargs={"slug": "no-such-thing"}))

    assert response.status_code == 404


def test_unpublished_posts_are_in_no_feed_or_calendar(client):
    now = timezone.now()
    hidden = make_unpublished_posts(
        category=category("events"), event_start=now + timedelta(days=3)
    )
    just_published = make_event(
        "Just published", starts_in_days=3, published_at=now - timedelta(seconds=5)
    )
    urls = [
        reverse("news:rss"),
        reverse("news:atom"),
        reverse("news:category_rss", kwargs={"slug": "events"}),
        reverse("news:category_atom", kwargs={"slug": "events"}),
    ]

    for url in urls:
        assert feed_titles(client, url) == ["Just published"], url
    events = get_calendar(client, reverse("news:events_ics")).events
    assert [str(event["SUMMARY"]) for event in events] == ["Just published"]
    url = reverse("news:event_ics", kwargs={"slug": just_published.slug})
    assert client.get(url).status_code == 200
    for post in hidden.values():
        url = reverse("news:event_ics", kwargs={"slug": post.slug})
        assert client.get(url).status_code == 404, post.title


# --- Conditional GET ----------------------------------------------------------------------


CONDITIONAL_URLS = [
    ("news:rss", {}),
    ("news:atom", {}),
    ("news:category_rss", {"slug": "events"}),
    ("news:category_atom", {"slug": "events"}),
    ("news:events_ics", {}),
    ("news:event_ics", {"slug": "open-day"}),
]


@pytest.mark.parametrize(("name", "kwargs"), CONDITIONAL_URLS)
def test_unchanged_feeds_answer_not_modified(client, name, kwargs):
    make_event("Open day", starts_in_days=5, slug="open-day")
    url = reverse(name, kwargs=kwargs)

    first = client.get(url)

    assert first.status_code == 200
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    since = {"if-modified-since": first["Last-Modified"]}
    assert client.get(url, headers=since).status_code == 304


@pytest.mark.parametrize(("name", "kwargs"), CONDITIONAL_URLS)
def test_changed_feeds_answer_in_full(client, name, kwargs):
    post = make_event("Open day", starts_in_days=5, slug="open-day")
    url = reverse(name, kwargs=kwargs)
    first = client.get(url)

    since = {"if-modified-since": first["Last-Modified"]}
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        post.title = "Open day, new time"
        post.save()
        assert client.get(url, headers=since).status_code == 200


@pytest.mark.parametrize("name", FEEDS)
def test_a_post_expiring_changes_the_feed(client, name):
    """Nobody saves a post when it expires, and the newest post stays the newest."""
    expiry = timezone.now() + timedelta(hours=1)
    make_post(title="Stays")
    make_post(title="Goes", days_ago=2, expires_at=expiry)
    url = reverse(name)
    first = client.get(url)

    with time_machine.travel(expiry + timedelta(minutes=1)):
        response = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200
    assert b"Goes" not in response.content


# --- Queries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("news:rss"),
        reverse("news:atom"),
        reverse("news:category_rss", kwargs={"slug": "news"}),
        reverse("news:category_atom", kwargs={"slug": "news"}),
    ],
)
def test_feed_queries_do_not_grow_with_posts_papers_and_tags(
    client, django_assert_max_num_queries, url
):
    make_rich_posts(2)
    client.get(url)  # anything cached once per process is cached now
    forget_moments()  # as after the change below, the posts' moments are read (news/freshness.py)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    make_rich_posts(23)
    with django_assert_max_num_queries(len(few)):
        client.get(url)

    assert len(feed_titles(client, url)) == 20
