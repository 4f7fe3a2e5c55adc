import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import Document
from news.models import Category
from tests.factories import attach, make_document, make_post, make_unpublished_posts

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SERVER = "http://testserver"
FEEDS = ["news:rss", "news:atom"]


def category(slug):
    return Category.objects.get(slug=slug)


def make_event(title, starts_in_days=0, **fields):
    if "event_start" not in fields:
        fields["event_start"] = timezone.now() + timedelta(days=starts_in_days)
    return make_post(title=title, category=category("events"), **fields)


def parse(response):
    return ET.fromstring(response.content)  # noqa: S314 (our own response, not untrusted input)


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return parse(response)


def rss_items(client, url):
    return get_xml(client, url).findall("channel/item")


def feed_titles(client, url):
    """Item titles of an RSS or Atom feed, in order."""
    root = get_xml(client, url)
    titles = root.findall("channel/item/title") + root.findall(f"{ATOM}entry/{ATOM}title")
    return [title.text for title in titles]


def get_calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def an_illustrated_post(django_user_model):
    """A post with an author, tags, an excerpt and two papers."""
    author = django_user_model.objects.create_user(
        username="jsmith", first_name="Jo", last_name="Smith"
    )
    post = make_post(
        title="Peer support & recovery",
        excerpt="What peer workers bring.",
        author=author,
        published_at=datetime(2025, 3, 4, 9, 30, tzinfo=LONDON),
    )
    post.tags.add("Peer support", "Training")
    papers = [
        make_document(title="Peer Support Workers", name="peer.pdf"),
        make_document(title="Appendix", name="appendix.pdf"),
    ]
    attach(post, *papers)
    return post, papers


# --- RSS and Atom ---------------------------------------------------------------------------


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


# --- Conditional GET ------------------------------------------------------------------------

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


def test_an_event_finishing_changes_the_events_calendar(client):
    ends = timezone.now() + timedelta(hours=1)
    make_event("Later", starts_in_days=10)
    make_event("Finishing", starts_in_days=-1, event_end=ends)
    url = reverse("news:events_ics")
    first = client.get(url)

    # An hour later the event is over, and nobody saved anything.
    with time_machine.travel(ends + timedelta(minutes=1)):
        response = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200
    assert b"Finishing" not in response.content


# --- Queries --------------------------------------------------------------------------------


def make_rich_posts(count):
    for _ in range(count):
        post = make_post()
        post.tags.add(*(f"tag {post.pk} {n}" for n in range(3)))
        attach(post, *(make_document(name=f"paper-{post.pk}-{n}.pdf") for n in range(3)))


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
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    make_rich_posts(23)
    with django_assert_max_num_queries(len(few)):
        client.get(url)

    assert len(feed_titles(client, url)) == 20


def test_events_calendar_queries_do_not_grow_with_events(client, django_assert_max_num_queries):
    url = reverse("news:events_ics")
    make_event("First", starts_in_days=1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    for day in range(20):
        make_event(f"Event {day}", starts_in_days=day + 2)
    with django_assert_max_num_queries(len(few)):
        assert len(get_calendar(client, url).events) == 21


# --- iCalendar ------------------------------------------------------------------------------


def test_an_event_as_a_calendar_file(client):
    start = datetime(2030, 5, 14, 10, 0, tzinfo=LONDON)
    post = make_event(
        "Recovery college open day",
        event_start=start,
        event_end=start + timedelta(hours=6),
        event_location="Nottingham, NG1 1AA",
        excerpt="Come & see; meet the tutors.",
    )
    post.refresh_from_db()

    response = client.get(reverse("news:event_ics", kwargs={"slug": post.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="{post.slug}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert "ImROC" in calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "Recovery college open day"
    (event,) = calendar.events
    assert event["UID"] == f"post-{post.pk}@testserver"
    assert event.start == start and event.end == start + timedelta(hours=6)
    assert event.start.utcoffset() == timedelta(0)  # UTC: no time zone definition needed
    assert event.stamp == post.updated_at.replace(microsecond=0)
    assert event["SUMMARY"] == "Recovery college open day"
    assert event["DESCRIPTION"] == "Come & see; meet the tutors."
    assert event["LOCATION"] == "Nottingham, NG1 1AA"
    assert event["URL"] == f"{SERVER}{post.get_absolute_url()}"


def test_calendar_description_is_plain_text(client):
    post = make_event(
        "Talk", starts_in_days=3, body="<p>Fish &amp; <em>chips</em></p><p>tonight</p>"
    )

    calendar = get_calendar(client, reverse("news:event_ics", kwargs={"slug": post.slug}))

    assert calendar.events[0]["DESCRIPTION"] == "Fish & chips tonight"


def test_an_event_keeps_its_uid_when_renamed(client):
    post = make_event("Before", starts_in_days=3)
    url = reverse("news:events_ics")
    before = get_calendar(client, url).events[0]["UID"]

    post.title, post.slug = "After", "after"
    post.save()

    assert get_calendar(client, url).events[0]["UID"] == before


def test_event_without_end_or_location(client):
    post = make_event("Drop-in", starts_in_days=3)

    (event,) = get_calendar(client, reverse("news:event_ics", kwargs={"slug": post.slug})).events

    assert "DTEND" not in event and "LOCATION" not in event


def test_only_event_posts_have_a_calendar_file(client):
    post = make_post(title="Plain news")

    assert client.get(reverse("news:event_ics", kwargs={"slug": post.slug})).status_code == 404
    assert client.get(reverse("news:event_ics", kwargs={"slug": "nope"})).status_code == 404


def test_events_calendar_lists_upcoming_events_soonest_first(client):
    now = timezone.now()
    make_event("Later", starts_in_days=30)
    make_event("Sooner", starts_in_days=2)
    make_event("Under way", starts_in_days=-1, event_end=now + timedelta(days=1))
    make_event("Over", starts_in_days=-3, event_end=now - timedelta(days=2))
    make_event("Long past", starts_in_days=-40)
    make_post(title="Not an event")

    calendar = get_calendar(client, reverse("news:events_ics"))

    assert calendar["X-WR-CALNAME"] == "ImROC events"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    summaries = [str(event["SUMMARY"]) for event in calendar.events]
    assert summaries == ["Under way", "Sooner", "Later"]
    assert "Content-Disposition" not in client.get(reverse("news:events_ics"))


def test_calendar_feed_properties_are_well_formed(client, settings):
    from news.models import Category

    settings.ALLOWED_HOSTS = ["example.org"]
    make_post(
        title="Open day",
        category=Category.objects.get(slug="events"),
        event_start=timezone.now() + timedelta(days=3),
    )
    body = client.get(reverse("news:events_ics"), HTTP_HOST="example.org:8080").content.decode()

    assert "X-PUBLISHED-TTL:PT6H" in body
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in body
    assert "@example.org\r\n" in body and "8080" not in body.split("UID:")[1].split("\r\n")[0]
