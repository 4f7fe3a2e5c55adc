"""Writing WordPress exports (WXR 1.2) for tests and benchmarks: a few hand-picked posts, or
thousands generated, streamed to disk so a 10,000-post file costs no memory to make."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

SITE = "https://old.example.org"
_HEAD = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated</title><link>{SITE}</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>{SITE}</wp:base_site_url><wp:base_blog_url>{SITE}</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>editor</wp:author_login>
<wp:author_email>editor@example.org</wp:author_email>
<wp:author_display_name>Editor</wp:author_display_name></wp:author>
"""
_TAIL = "</channel>\n</rss>\n"


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Reply:
    wp_id: int
    text: str
    author: str = "Reader"
    email: str = "reader@example.org"
    url: str = ""
    approved: str = "1"
    parent: int = 0
    date: datetime = datetime(2024, 1, 1, tzinfo=UTC)
    ip: str = "192.0.2.1"


@dataclass
class Entry:
    wp_id: int
    title: str
    body: str
    slug: str = ""
    status: str = "publish"
    date: datetime = datetime(2024, 1, 1, tzinfo=UTC)
    replies: list[Reply] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)


def item_xml(entry: Entry) -> str:
    slug = entry.slug or f"post-{entry.wp_id}"
    stamp = entry.date.strftime("%Y-%m-%d %H:%M:%S")
    terms = "".join(
        f'<category domain="category" nicename="{escape(s)}">{cdata(n)}</category>'
        for s, n in entry.categories
    )
    replies = "".join(
        "<wp:comment>"
        f"<wp:comment_id>{r.wp_id}</wp:comment_id>"
        f"<wp:comment_author>{cdata(r.author)}</wp:comment_author>"
        f"<wp:comment_author_email>{cdata(r.email)}</wp:comment_author_email>"
        f"<wp:comment_author_url>{escape(r.url)}</wp:comment_author_url>"
        f"<wp:comment_author_IP>{r.ip}</wp:comment_author_IP>"
        f"<wp:comment_date>{r.date:%Y-%m-%d %H:%M:%S}</wp:comment_date>"
        f"<wp:comment_date_gmt>{r.date:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(r.text)}</wp:comment_content>"
        f"<wp:comment_approved>{r.approved}</wp:comment_approved>"
        "<wp:comment_type>comment</wp:comment_type>"
        f"<wp:comment_parent>{r.parent}</wp:comment_parent>"
        "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
        for r in entry.replies
    )
    return (
        f"<item><title>{cdata(entry.title)}</title>"
        f"<link>{SITE}/{entry.date:%Y/%m/%d}/{slug}/</link>"
        f'<guid isPermaLink="false">{SITE}/?p={entry.wp_id}</guid>'
        "<dc:creator>editor</dc:creator>"
        f"<content:encoded>{cdata(entry.body)}</content:encoded>"
        "<excerpt:encoded></excerpt:encoded>"
        f"<wp:post_id>{entry.wp_id}</wp:post_id>"
        f"<wp:post_date>{stamp}</wp:post_date><wp:post_date_gmt>{stamp}</wp:post_date_gmt>"
        f"<wp:post_modified>{stamp}</wp:post_modified>"
        f"<wp:post_modified_gmt>{stamp}</wp:post_modified_gmt>"
        "<wp:comment_status>open</wp:comment_status>"
        f"<wp:post_name>{cdata(slug)}</wp:post_name><wp:status>{entry.status}</wp:status>"
        "<wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>"
        f"{terms}{replies}</item>\n"
    )


def write_export(path: Path, entries: Iterable[Entry]) -> Path:
    with path.open("w", encoding="utf-8") as file:
        file.write(_HEAD)
        for entry in entries:
            file.write(item_xml(entry))
        file.write(_TAIL)
    return path


def many_posts(count: int, *, replies_per_post: int = 3, first_id: int = 1000) -> Iterator[Entry]:
    """`count` published posts of a few paragraphs, each with a short thread of replies."""
    start = datetime(2023, 1, 1, tzinfo=UTC)
    reply_id = first_id * 10
    for number in range(count):
        wp_id = first_id + number
        replies = []
        for index in range(replies_per_post):
            reply_id += 1
            replies.append(
                Reply(
                    wp_id=reply_id,
                    text=f"Reply {index} to post {number}.\n\nWell said.",
                    author=f"Reader {index}",
                    email=f"reader{index}@example.org",
                    # Every other reply answers the one before: threads two deep, as most are.
                    parent=reply_id - 1 if index % 2 else 0,
                    date=start + timedelta(hours=number),
                )
            )
        yield Entry(
            wp_id=wp_id,
            title=f"Generated post {number}",
            body=(
                f"<!-- wp:paragraph --><p>Paragraph one of post {number}, with "
                f'<a href="https://example.org/{number}">a link</a>.</p><!-- /wp:paragraph -->'
                "<!-- wp:paragraph --><p>" + "Recovery colleges help. " * 20 + "</p>"
                "<!-- /wp:paragraph -->"
            ),
            slug=f"generated-{number}",
            date=start + timedelta(hours=number),
            replies=replies,
        )
