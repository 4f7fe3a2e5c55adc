import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from documents.models import Document
from news.models import Category, Post
from news.services import save_post
from tests.factories import attach, make_comment, make_document, make_post, make_staff

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def events():
    return Category.objects.get(slug="events")


def make_event(title, starts_in_days, **fields):
    start = timezone.now() + timedelta(days=starts_in_days)
    return make_post(title=title, category=events(), event_start=start, **fields)


# --- Home and listings -------------------------------------------------------------------


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

    html = page(client, events().get_absolute_url())

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


# --- The post page ------------------------------------------------------------------------


def test_post_page_shows_everything_about_the_post(client, django_user_model):
    author = django_user_model.objects.create_user("jo", first_name="Jo", last_name="Bloggs")
    post = make_post(
        title="Two papers",
        body="<p>First paragraph.</p><p>Second &amp; last.</p>",
        signature="ImROC team",
        author=author,
    )
    post.tags.add("Recovery", "Peer support")
    attach(post, make_document(title="First paper"), make_document(title="Second paper"))

    html = page(client, post.get_absolute_url())

    assert "<p>First paragraph.</p>" in html and "<p>Second &amp; last.</p>" in html
    assert "ImROC team" in html and "by Jo Bloggs" in html
    assert 'class="category">News</a>' in html
    assert 'rel="tag">Peer support</a>' in html
    assert html.index("First paper") < html.index("Second paper")
    assert html.count(">Download (PDF, 1KB)</a>") == 2


def test_post_page_links_to_previous_and_next_posts(client):
    first = make_post(title="First", days_ago=3)
    middle = make_post(title="Middle", days_ago=2)
    last = make_post(title="Last", days_ago=1)
    make_post(title="Hidden draft", status=Post.Status.DRAFT)

    html = page(client, middle.get_absolute_url())

    assert f'href="{first.get_absolute_url()}" rel="prev"' in html
    assert f'href="{last.get_absolute_url()}" rel="next"' in html
    assert 'rel="next"' not in page(client, last.get_absolute_url())


def test_event_page_shows_when_where_and_a_calendar_link(client):
    start = datetime(2030, 5, 14, 10, 0, tzinfo=LONDON)
    post = make_post(
        title="Recovery college open day",
        category=events(),
        event_start=start,
        event_end=start + timedelta(hours=6),
        event_location="Nottingham",
    )

    html = page(client, post.get_absolute_url())

    assert "Tuesday 14 May 2030, 10:00" in html and "16:00" in html and "Nottingham" in html
    assert reverse("news:event_ics", kwargs={"slug": post.slug}) in html


def _structured_data(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_post_page_describes_itself_to_search_engines_and_sharing(client):
    post = make_post(title="Shared <widely>", excerpt="A short summary.")

    html = page(client, post.get_absolute_url())

    assert "<title>Shared &lt;widely&gt; – ImROC</title>" in html
    assert '<meta name="description" content="A short summary.">' in html
    assert f'<link rel="canonical" href="http://testserver{post.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="Shared &lt;widely&gt;">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    (article,) = _structured_data(html)
    assert article["@type"] == "NewsArticle" and article["headline"] == "Shared <widely>"
    assert "<widely>" not in html.split('type="application/ld+json">')[1].split("</script>")[0]


def test_event_structured_data(client):
    post = make_event("Online workshop", starts_in_days=5, event_location="Online")
    article, event = _structured_data(page(client, post.get_absolute_url()))
    assert event["@type"] == "Event" and event["location"]["@type"] == "VirtualLocation"
    assert event["startDate"].startswith(str(post.event_start.date()))


def test_each_page_has_its_own_title(client):
    post = make_post(title="Unique one")
    titles = {
        re.search(r"<title>(.*?)</title>", page(client, url)).group(1)
        for url in [
            reverse("news:home"),
            reverse("news:post_list"),
            Category.objects.get(slug="news").get_absolute_url(),
            post.get_absolute_url(),
            reverse("news:year", kwargs={"year": post.published_at.year}),
        ]
    }
    assert len(titles) == 5


# --- What the public may see --------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Post.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=3)},
        {"expires_at": timezone.now() - timedelta(minutes=1)},
    ],
    ids=["draft", "scheduled", "expired"],
)
def test_unpublished_posts_are_absent_from_every_list_and_404(client, fields):
    post = make_post(title="Not for the public", days_ago=10, **fields)
    post.tags.add("hidden-tag")

    assert client.get(post.get_absolute_url()).status_code == 404
    for url in [
        reverse("news:home"),
        reverse("news:post_list"),
        post.category.get_absolute_url(),
        reverse("news:year", kwargs={"year": post.created_at.year}),
    ]:
        assert "Not for the public" not in page(client, url), url
    assert client.get(reverse("news:tag", kwargs={"slug": "hidden-tag"})).status_code == 404


def test_scheduled_post_appears_by_itself_at_its_time(client):
    moment = timezone.now() + timedelta(hours=2)
    post = make_post(title="Embargoed report", published_at=moment)

    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        assert client.get(post.get_absolute_url()).status_code == 404
        assert "Embargoed report" not in page(client, reverse("news:home"))
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        assert client.get(post.get_absolute_url()).status_code == 200
        assert "Embargoed report" in page(client, reverse("news:home"))


def test_expiry_takes_a_post_off_by_itself(client):
    ends = timezone.now() + timedelta(hours=1)
    post = make_post(title="Time-limited offer", expires_at=ends)

    assert "Time-limited offer" in page(client, reverse("news:home"))
    with time_machine.travel(ends + timedelta(seconds=1), tick=False):
        assert client.get(post.get_absolute_url()).status_code == 404
        assert "Time-limited offer" not in page(client, reverse("news:home"))


def test_staff_can_preview_a_draft_with_a_notice(client, django_user_model):
    post = make_post(status=Post.Status.DRAFT, title="Work in progress")
    client.force_login(make_staff(django_user_model, "Editors"))

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    assert "This post is draft: only staff can see it." in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "Leave a Reply" not in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_moderators_cannot_preview_drafts(client, django_user_model):
    post = make_post(status=Post.Status.DRAFT)
    client.force_login(make_staff(django_user_model, "Moderators"))
    assert client.get(post.get_absolute_url()).status_code == 404


def test_changed_slug_redirects_permanently(client, django_user_model):
    post = make_post(slug="old-address")
    post.slug = "new-address"
    save_post(post, by=None, old_slug="old-address")
    post.slug = "newest-address"
    save_post(post, by=None, old_slug="new-address")

    for old in ("old-address", "new-address"):
        response = client.get(reverse("news:post_detail", kwargs={"slug": old}))
        assert response.status_code == 301
        assert response["Location"] == "/news/newest-address/"


def test_old_slug_of_an_unpublished_post_does_not_redirect(client):
    post = make_post(slug="was-public")
    post.slug, post.status = "now-draft", Post.Status.DRAFT
    save_post(post, by=None, old_slug="was-public")
    assert client.get(reverse("news:post_detail", kwargs={"slug": "was-public"})).status_code == 404


def test_reusing_an_old_slug_for_the_post_itself_drops_the_redirect(client):
    post = make_post(slug="first")
    post.slug = "second"
    save_post(post, by=None, old_slug="first")
    post.slug = "first"
    save_post(post, by=None, old_slug="second")
    assert client.get("/news/first/").status_code == 200
    assert client.get("/news/second/")["Location"] == "/news/first/"


# --- Model rules --------------------------------------------------------------------------


def test_publishing_fills_the_publication_date():
    post = make_post(status=Post.Status.DRAFT)
    assert post.published_at is None
    post.status = Post.Status.PUBLISHED
    post.save()
    assert post.published_at is not None
    assert Post.objects.published().filter(pk=post.pk).exists()


def test_states():
    now = timezone.now()
    assert make_post(status=Post.Status.DRAFT).state == "draft"
    assert make_post(published_at=now + timedelta(hours=1)).state == "scheduled"
    assert make_post(expires_at=now - timedelta(hours=1)).state == "expired"
    assert make_post().state == "published"


def test_database_refuses_a_published_post_without_a_date():
    post = make_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(published_at=None)


def test_events_need_a_start_and_end_after_it():
    from django.core.exceptions import ValidationError

    post = Post(title="Event", slug="event", body="<p>x</p>", category=events())
    with pytest.raises(ValidationError) as missing:
        post.full_clean()
    assert "event_start" in missing.value.message_dict
    post.event_start = timezone.now()
    post.event_end = post.event_start - timedelta(hours=1)
    with pytest.raises(ValidationError) as backwards:
        post.full_clean()
    assert "event_end" in backwards.value.message_dict


def test_excerpt_is_generated_from_the_body_when_blank():
    post = make_post(excerpt="", body="<h2>Heading</h2><p>" + " ".join(["word"] * 100) + "</p>")
    assert post.summary.startswith("Heading word word") and post.summary.endswith("…")
    assert "<" not in post.summary
    post.excerpt = "Written by staff."
    assert post.summary == "Written by staff."


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<p onclick="alert(1)">text</p>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name="x"></form>',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_body_is_sanitised_on_save_whatever_is_pasted(client, payload):
    post = make_post(body=f"<p>Kept text.</p>{payload}")
    post.refresh_from_db()

    lowered = post.body.lower()
    for forbidden in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "<iframe",
        "<svg",
        "data:text",
        "<style",
        "<form",
        "<input",
    ):
        assert forbidden not in lowered
    assert "<p>Kept text.</p>" in post.body
    assert "alert(1)</script>" not in page(client, post.get_absolute_url())


def test_sanitiser_keeps_the_formatting_staff_use():
    body = (
        "<h2>Heading</h2><p><strong>Bold</strong> and <em>italic</em> with "
        '<a href="https://example.org">a link</a>.</p><ul><li>One</li></ul>'
        "<ol><li>Two</li></ol><blockquote><p>Quote</p></blockquote>"
    )
    post = make_post(body=body)
    for kept in (
        "<h2>Heading</h2>",
        "<strong>Bold</strong>",
        "<em>italic</em>",
        'href="https://example.org"',
        "<ul><li>One</li></ul>",
        "<blockquote>",
    ):
        assert kept in post.body


# --- Conditional GET ----------------------------------------------------------------------


def test_pages_answer_304_when_nothing_changed(client):
    post = make_post()
    for url in (reverse("news:home"), reverse("news:post_list"), post.get_absolute_url()):
        first = client.get(url)
        assert first["Last-Modified"] and first["ETag"]
        assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
        since = {"If-Modified-Since": first["Last-Modified"]}
        assert client.get(url, headers=since).status_code == 304


def test_a_change_makes_pages_fresh_again(client):
    post = make_post()
    last_modified = client.get(reverse("news:home"))["Last-Modified"]

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        post.title = "Corrected title"
        post.save()
        response = client.get(reverse("news:home"), headers={"If-Modified-Since": last_modified})

    assert response.status_code == 200 and "Corrected title" in response.content.decode()


def test_a_scheduled_post_appearing_makes_pages_fresh_again(client):
    moment = timezone.now() + timedelta(hours=1)
    make_post(title="Appears later", published_at=moment)
    before = client.get(reverse("news:home"))["Last-Modified"]

    with time_machine.travel(moment + timedelta(seconds=5), tick=False):
        response = client.get(reverse("news:home"), headers={"If-Modified-Since": before})

    assert response.status_code == 200 and "Appears later" in response.content.decode()
    assert response["Last-Modified"] == http_date(moment.timestamp())


# --- Constant query counts ----------------------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries, limit=10):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(posts, tags_each=3, papers_each=2, comments_each=3):
    for n, post in enumerate(posts):
        post.tags.add(*[f"tag {n}-{t}" for t in range(tags_each)])
        documents = [
            make_document(title=f"P{n}-{d}", name=f"p{n}-{d}.pdf") for d in range(papers_each)
        ]
        attach(post, *documents)
        for _ in range(comments_each):
            make_comment(post)


def test_listing_pages_run_a_constant_number_of_queries(client, django_assert_max_num_queries):
    make_event("An event", starts_in_days=3)
    _grow([make_post(days_ago=1)], tags_each=1, papers_each=1, comments_each=1)
    urls = lambda: [  # noqa: E731
        reverse("news:home"),
        reverse("news:post_list"),
        Category.objects.get(slug="news").get_absolute_url(),
        events().get_absolute_url(),
        reverse("news:year", kwargs={"year": timezone.localdate().year}),
        reverse("news:tag", kwargs={"slug": "tag-0-0"}),
    ]
    few = [_count_queries(client, url, django_assert_max_num_queries) for url in urls()]

    _grow([make_post(days_ago=1 + n) for n in range(30)], tags_each=4, papers_each=2)
    for _ in range(5):
        make_event("More events", starts_in_days=4)
    for post in Post.objects.all():
        post.tags.add("tag 0-0")
    many = [_count_queries(client, url, django_assert_max_num_queries) for url in urls()]

    assert few == many


def test_post_page_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    post = make_post(days_ago=5)
    make_post(days_ago=9)
    make_post(days_ago=1)
    _grow([post], tags_each=1, papers_each=1, comments_each=1)
    # The discussion's rules, count, pages of conversations and their replies take 5.
    few = _count_queries(client, post.get_absolute_url(), django_assert_max_num_queries, 12)

    _grow([post], tags_each=10, papers_each=8, comments_each=40)
    for n in range(30):
        make_post(days_ago=n)
    many = _count_queries(client, post.get_absolute_url(), django_assert_max_num_queries, 12)

    assert few == many


def test_staff_only_papers_never_show_on_a_post(client, django_user_model):
    from documents.models import Document

    post = make_post()
    internal = make_document(title="Internal notes", name="internal.pdf")
    internal.visibility = Document.Visibility.STAFF
    internal.save()
    attach(post, make_document(title="Public paper"), internal)

    assert "Internal notes" not in page(client, post.get_absolute_url())
    client.force_login(make_staff(django_user_model, "Editors"))
    assert "Internal notes" not in page(client, post.get_absolute_url())


def _fresh_after(client, url, change, minutes=5):
    """Whether a change made later answers 200 to a client holding the earlier Last-Modified."""
    since = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
        change()
        return client.get(url, headers={"If-Modified-Since": since}).status_code == 200


@pytest.mark.parametrize(
    "change",
    ["delete post", "edit paper", "delete reply", "rename category", "tag post"],
)
def test_any_change_shown_on_pages_makes_them_fresh_again(client, change):
    post = make_post(title="Kept")
    doomed = make_post(title="Doomed", days_ago=2)
    paper = make_document(title="A paper")
    attach(post, paper)
    reply = make_comment(post)
    changes = {
        "delete post": doomed.delete,
        "edit paper": lambda: Document.objects.get(pk=paper.pk).save(),
        "delete reply": reply.delete,
        "rename category": lambda: Category.objects.filter(slug="news").first().save(),
        "tag post": lambda: post.tags.add("fresh"),
    }
    assert _fresh_after(client, post.get_absolute_url(), changes[change])


def test_an_event_ending_makes_pages_fresh_again(client):
    ends = timezone.now() + timedelta(minutes=3)
    make_event("Short event", starts_in_days=0, event_end=ends)
    assert _fresh_after(client, reverse("news:home"), lambda: None, minutes=10)


def test_a_tag_only_drafts_use_has_no_public_page(client):
    make_post(status=Post.Status.DRAFT).tags.add("Secret merger")
    assert client.get(reverse("news:tag", kwargs={"slug": "secret-merger"})).status_code == 404


def test_previous_and_next_tell_apart_posts_published_at_the_same_moment(client):
    moment = timezone.now() - timedelta(hours=1)
    first, middle, last = (make_post(title=t, published_at=moment) for t in ("A", "B", "C"))
    html = page(client, middle.get_absolute_url())
    assert f'href="{first.get_absolute_url()}" rel="prev"' in html
    assert f'href="{last.get_absolute_url()}" rel="next"' in html


@pytest.mark.parametrize("path", ["/news/0/", "/news/99999/", "/news/2024/13/", "/news/2024/0/"])
def test_impossible_archive_dates_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_an_address_of_digits_only_is_refused():
    from django.core.exceptions import ValidationError

    post = Post(title="2024", slug="2024", body="<p>x</p>", category=Category.objects.first())
    with pytest.raises(ValidationError) as refused:
        post.full_clean()
    assert "slug" in refused.value.message_dict


def test_structured_data_carries_the_featured_image(client):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 400), "teal").save(buffer, "JPEG")
    post = make_post(image_alt="A teal rectangle")
    post.image.save("teal.jpg", ContentFile(buffer.getvalue()), save=False)
    save_post(post, by=None)

    article = _structured_data(page(client, post.get_absolute_url()))[0]
    assert article["image"].startswith("http://testserver/") and article["image"].endswith(".jpg")
