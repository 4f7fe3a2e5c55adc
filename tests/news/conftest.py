"""Shared by the news tests: plain helpers imported by name, constants, an editor signed in
and the post form as the admin posts it."""

import io
import json
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from news.models import Category, Post
from tests.factories import (
    attach,
    make_comment,
    make_document,
    make_post,
    make_staff,
)

# --- Pages and posts ----------------------------------------------------------------------


LONDON = ZoneInfo("Europe/London")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def category(slug):
    return Category.objects.get(slug=slug)


def make_event(title, starts_in_days=0, **fields):
    if "event_start" not in fields:
        fields["event_start"] = timezone.now() + timedelta(days=starts_in_days)
    return make_post(title=title, category=category("events"), **fields)


def structured_data(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def count_queries(client, url, django_assert_max_num_queries, limit=10):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(posts, tags_each=3, papers_each=2, comments_each=3):
    for n, post in enumerate(posts):
        post.tags.add(*[f"tag {n}-{t}" for t in range(tags_each)])
        documents = [
            make_document(title=f"P{n}-{d}", name=f"p{n}-{d}.pdf") for d in range(papers_each)
        ]
        attach(post, *documents)
        for _ in range(comments_each):
            make_comment(post)


# --- Image files --------------------------------------------------------------------------


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def photo(width=2000, height=1000, **options) -> bytes:
    """A JPEG, red on its left half and blue on its right."""
    image = Image.new("RGB", (width, height), "blue")
    image.paste("red", (0, 0, width // 2, height))
    return encode(image, "JPEG", **options)


def transparent_png(width=800, height=400) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 128, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, width // 2, height))
    return encode(image, "PNG")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG of a few bytes that claims to be width × height (one bit per pixel)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = zlib.compress(b"\x00" * ((width + 7) // 8 + 1))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def post_with_image(content: bytes, name="photo.jpg", **fields) -> Post:
    fields.setdefault("image_alt", "A red and blue flag")
    return make_post(image=ContentFile(content, name=name), **fields)


def stored(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


# --- Search pages -------------------------------------------------------------------------


RESULT = re.compile(
    r'<article class="post-card search-result">\s*<h2><a href="(?P<url>[^"]+)">(?P<title>.*?)</a>'
    r'.*?<span class="result-type">(?P<label>[^<]*)</span>.*?</article>',
    re.DOTALL,
)


def search_page(client, q=None, **params) -> str:
    query = {"q": q} if q is not None else {}
    response = client.get(reverse("news:search"), {**query, **params})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def results(html: str) -> list[dict]:
    """Each result on the page: its link, title as text, and type label, in page order."""
    return [
        {**found.groupdict(), "title": re.sub(r"<[^>]+>", "", found["title"])}
        for found in RESULT.finditer(html)
    ]


def titles(html: str) -> list[str]:
    return [result["title"] for result in results(html)]


def make_paper(title: str, description: str = "", *, on: Post | None = None, **fields):
    paper = make_document(title=title, name="paper.pdf")
    paper.description = description
    for name, value in fields.items():
        setattr(paper, name, value)
    paper.save()
    if on is not None:
        attach(on, paper)
    return paper


# --- Feeds and calendars ------------------------------------------------------------------


ATOM = "{http://www.w3.org/2005/Atom}"


DC = "{http://purl.org/dc/elements/1.1/}"


SERVER = "http://testserver"


FEEDS = ["news:rss", "news:atom"]


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


def make_rich_posts(count):
    for _ in range(count):
        post = make_post()
        post.tags.add(*(f"tag {post.pk} {n}" for n in range(3)))
        attach(post, *(make_document(name=f"paper-{post.pk}-{n}.pdf") for n in range(3)))


# --- The post form, as an editor ------------------------------------------------------


@pytest.fixture
def editor(client, django_user_model):
    user = make_staff(django_user_model, "Editors")
    client.force_login(user)
    return user


def form_data(post=None, **changes):
    """The post's change form as the admin posts it back, with `changes` made to it."""
    data = {
        "title": "Spring update",
        "slug": "spring-update",
        "category": Category.objects.get(slug="news").pk,
        "tags": "",
        "body": "<p>First paragraph.</p><p>Second paragraph.</p>",
        "signature": "",
        "excerpt": "",
        "image_alt": "",
        "status": "draft",
        "event_location": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    if post is not None:
        data.update(
            title=post.title,
            slug=post.slug,
            category=post.category_id,
            tags=", ".join(sorted(post.tags.names())),
            body=post.body,
            status=post.status,
            author=post.author_id or "",
        )
        if post.published_at:
            local = timezone.localtime(post.published_at)
            data.update(published_at_0=f"{local:%d/%m/%Y}", published_at_1=f"{local:%H:%M:%S}")
        attachments = list(post.attachments.all())
        data.update({"attachments-TOTAL_FORMS": len(attachments)})
        data.update({"attachments-INITIAL_FORMS": len(attachments)})
        for number, attachment in enumerate(attachments):
            prefix = f"attachments-{number}-"
            data.update(
                {
                    f"{prefix}id": attachment.pk,
                    f"{prefix}post": post.pk,
                    f"{prefix}document": attachment.document_id,
                    f"{prefix}position": attachment.position,
                }
            )
    return {**data, **changes}


def add_post(client, **changes) -> Post:
    response = client.post(reverse("admin:news_post_add"), form_data(**changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Post.objects.latest("created_at")


def change_post(client, post, **changes) -> Post:
    post.refresh_from_db()
    response = client.post(
        reverse("admin:news_post_change", args=[post.pk]), form_data(post, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post.refresh_from_db()
    return post


def history_url(name, post, *args):
    return reverse(f"admin:news_post_{name}", args=[post.pk, *args])
