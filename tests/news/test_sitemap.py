import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import Document
from news.freshness import forget_moments
from news.models import Category, Post
from news.sitemaps import PostSitemap
from tests.factories import attach, make_document, make_post, make_unpublished_posts

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SERVER = "http://testserver"


def sitemap(client) -> dict[str, str | None]:
    """Each address in the sitemap, through its index and every page, with its lastmod."""
    urls = {}
    for page in sitemap_pages(client):
        root = get_sitemap_xml(client, page)
        for url in root.findall(f"{SITEMAP}url"):
            urls[url.findtext(f"{SITEMAP}loc")] = url.findtext(f"{SITEMAP}lastmod")
    return urls


def sitemap_pages(client) -> list[str]:
    """The addresses of the sitemap's pages, as its index lists them."""
    root = get_sitemap_xml(client, reverse("sitemap"))
    assert root.tag == f"{SITEMAP}sitemapindex"
    return [entry.findtext(f"{SITEMAP}loc") for entry in root.findall(f"{SITEMAP}sitemap")]


def get_sitemap_xml(client, url: str) -> ET.Element:
    response = client.get(url.removeprefix(SERVER))
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)  # noqa: S314 (our own response, not untrusted input)


def absolute(path: str) -> str:
    return f"{SERVER}{path}"


def test_sitemap_lists_published_posts_archives_and_papers(client):
    news, events = Category.objects.get(slug="news"), Category.objects.get(slug="events")
    old = make_post(published_at=datetime(2023, 6, 1, 12, tzinfo=LONDON))
    old.tags.add("Peer support")
    recent = make_post(category=events, event_start=timezone.now() + timedelta(days=9))
    paper = make_document()
    attach(recent, paper)

    urls = sitemap(client)

    assert set(urls) == {
        absolute(old.get_absolute_url()),
        absolute(recent.get_absolute_url()),
        absolute(reverse("news:home")),
        absolute(reverse("news:post_list")),
        absolute(news.get_absolute_url()),
        absolute(events.get_absolute_url()),
        absolute(reverse("news:tag", kwargs={"slug": "peer-support"})),
        absolute(reverse("news:year", kwargs={"year": 2023})),
        absolute(
            reverse("news:year", kwargs={"year": timezone.localtime(recent.published_at).year})
        ),
        absolute(paper.get_absolute_url()),
    }
    assert urls[absolute(paper.get_absolute_url())] == f"{timezone.localdate(paper.updated_at)}"


def test_papers_are_listed_by_their_page_never_their_download(client):
    in_library = make_document(title="In the library only", name="library.pdf")
    internal = make_document(title="Internal", name="internal.pdf")
    internal.visibility = Document.Visibility.STAFF
    internal.save()
    attach(make_post(), internal)

    urls = sitemap(client)

    assert absolute(in_library.get_absolute_url()) in urls
    assert absolute(internal.get_absolute_url()) not in urls
    assert not [url for url in urls if "/download/" in url]


def test_post_lastmod_is_its_later_of_update_and_publication(client):
    now = timezone.now()
    edited = make_post(published_at=now - timedelta(days=10))
    appeared = make_post(published_at=now - timedelta(days=2))  # scheduled, written earlier
    Post.objects.filter(pk=edited.pk).update(updated_at=now - timedelta(days=5))
    Post.objects.filter(pk=appeared.pk).update(updated_at=now - timedelta(days=4))

    urls = sitemap(client)

    def lastmod(post):
        return date.fromisoformat(urls[absolute(post.get_absolute_url())])

    assert lastmod(edited) == timezone.localdate(now - timedelta(days=5))
    assert lastmod(appeared) == timezone.localdate(now - timedelta(days=2))


def test_nothing_unpublished_is_in_the_sitemap(client):
    now = timezone.now()
    visible = make_post(published_at=now - timedelta(seconds=5))
    hidden = make_unpublished_posts(category=Category.objects.get(slug="events"))
    # A year of its own, whose archive would appear only because of it.
    Post.objects.filter(pk=hidden["expired"].pk).update(
        published_at=datetime(2019, 3, 1, tzinfo=LONDON)
    )
    for post in hidden.values():
        post.tags.add(f"only {post.title}")
        attach(post, make_document(title=f"Paper of {post.title}", name=f"{post.slug}.pdf"))

    urls = "\n".join(sitemap(client))

    assert visible.get_absolute_url() in urls
    for post in hidden.values():
        assert post.get_absolute_url() not in urls, post.title
        for attachment in post.attachments.all():
            assert attachment.document.get_absolute_url() not in urls
    assert "only-hidden" not in urls
    assert Category.objects.get(slug="events").get_absolute_url() not in urls
    assert reverse("news:year", kwargs={"year": 2019}) not in urls


def test_sitemap_answers_not_modified_when_nothing_changed(client):
    make_post()
    first = client.get(reverse("sitemap"))

    assert first.has_header("ETag") and first.has_header("Last-Modified")
    etag = {"if-none-match": first["ETag"]}
    since = {"if-modified-since": first["Last-Modified"]}
    assert client.get(reverse("sitemap"), headers=etag).status_code == 304
    assert client.get(reverse("sitemap"), headers=since).status_code == 304


def test_sitemap_changes_when_a_post_expires(client):
    """Nobody saves a post when it expires, and no remaining post is newer than before."""
    expiry = timezone.now() + timedelta(hours=1)
    attach(make_post(title="Stays"), make_document())
    going = make_post(title="Goes", days_ago=2, expires_at=expiry)
    posts = reverse("sitemap_section", kwargs={"section": "posts"})
    first = client.get(posts)
    assert going.get_absolute_url().encode() in first.content

    with time_machine.travel(expiry + timedelta(minutes=1)):
        since = {"if-modified-since": first["Last-Modified"]}
        response = client.get(posts, headers=since)
    assert response.status_code == 200
    assert going.get_absolute_url().encode() not in response.content


def test_sitemap_queries_do_not_grow_with_posts(client, django_assert_max_num_queries):
    """Neither the index's nor a page's."""

    def add_posts(count):
        for _ in range(count):
            post = make_post()
            post.tags.add(f"tag {post.pk}")
            attach(post, make_document(name=f"paper-{post.pk}.pdf"))

    posts = reverse("sitemap_section", kwargs={"section": "posts"})
    add_posts(2)
    client.get(reverse("sitemap"))
    forget_moments()  # as after the change below, the posts' moments are read (news/freshness.py)
    cache.clear()  # and the sections' counts are counted afresh (news/kept_counts.py)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("sitemap"))
    with CaptureQueriesContext(connection) as few_on_a_page:
        client.get(posts)

    add_posts(20)
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse("sitemap")).status_code == 200
    with django_assert_max_num_queries(len(few_on_a_page)):
        assert client.get(posts).status_code == 200


def test_the_sitemap_is_an_index_of_pages_of_at_most_the_limit(client, monkeypatch):
    monkeypatch.setattr(PostSitemap, "limit", 2)
    made = [make_post(title=f"Post {n}") for n in range(5)]

    pages = [page.removeprefix(SERVER) for page in sitemap_pages(client)]

    posts = reverse("sitemap_section", kwargs={"section": "posts"})
    assert [page for page in pages if page.startswith(posts)] == [
        posts,
        f"{posts}?p=2",
        f"{posts}?p=3",
    ]
    on_pages = [
        [url.findtext(f"{SITEMAP}loc") for url in get_sitemap_xml(client, page)]
        for page in pages
        if page.startswith(posts)
    ]
    assert [len(found) for found in on_pages] == [2, 2, 1]
    # Newest first, each once.
    assert sum(on_pages, []) == [absolute(post.get_absolute_url()) for post in reversed(made)]
    assert client.get(posts, {"p": 4}).status_code == 404
    assert client.get(reverse("sitemap_section", kwargs={"section": "nope"})).status_code == 404


def test_a_sitemap_page_answers_not_modified_when_nothing_changed(client):
    make_post()
    posts = reverse("sitemap_section", kwargs={"section": "posts"})
    first = client.get(posts)
    assert client.get(posts, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get(reverse("robots_txt"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SERVER}{reverse('sitemap')}" in lines


def test_the_archives_are_asked_once_until_content_changes_then_at_once_anew(client):
    """Which tags and categories have a published post is kept until content changes
    (news.content_cache.kept_for_everyone): a new tag is listed on the very next request."""
    archives = reverse("sitemap_section", kwargs={"section": "archives"})
    make_post().tags.add("peer support")
    assert absolute("/news/tag/peer-support/") in sitemap(client)

    with CaptureQueriesContext(connection) as again:
        client.get(archives)
    assert not any("taggit_tag" in query["sql"] for query in again)

    make_post().tags.add("recovery college")
    listed = sitemap(client)
    assert absolute("/news/tag/recovery-college/") in listed
    assert absolute("/news/tag/peer-support/") in listed


def test_the_indexs_entries_are_drawn_once_until_content_changes(client, monkeypatch):
    """At 100,000 posts the index lists a hundred pages, and drawing them was most of its time:
    they are kept for every visitor while content stays as it is, and shown anew at once."""
    posts = reverse("sitemap_section", kwargs={"section": "posts"})

    def pages_of_posts() -> int:
        return sum(page.removeprefix(SERVER).startswith(posts) for page in sitemap_pages(client))

    monkeypatch.setattr(PostSitemap, "limit", 2)
    for _ in range(3):
        make_post()
    assert pages_of_posts() == 2
    # A limit changed under it moves no content: the entries drawn before are what is shown.
    monkeypatch.setattr(PostSitemap, "limit", 1)
    assert pages_of_posts() == 2
    make_post()
    assert pages_of_posts() == 4
