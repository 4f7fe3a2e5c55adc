"""Reading a WordPress export (WXR 1.0 to 1.2) as a stream of small records, memory flat.

defusedxml's iterparse refuses entity declarations and external references (the "billion
laughs" and file-reading attacks); each <item> is turned into an Item and then cleared from
the tree, so a 500 MB export never sits in memory.

Over 250 lines: the record types and a small reader for each element WordPress writes
(author, category, tag, term, comment, item) stay beside the one loop that streams them, so the
whole format is read in one place.
"""

import functools
import hashlib
import json
import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element  # nosec B405 # the type only: defusedxml parses

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"


class MalformedExport(Exception):
    """The file is not a readable WordPress export; the message says where it broke."""


@dataclass(frozen=True)
class Author:
    wp_id: str
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class Term:
    kind: str  # "category" or "tag"
    wp_id: str
    slug: str
    name: str
    parent: str = ""


@dataclass(frozen=True)
class WPComment:
    wp_id: str
    author: str
    email: str
    url: str
    ip: str
    date_gmt: str
    date: str
    content: str
    approved: str
    type: str
    parent: str
    user_id: str


@dataclass
class Item:
    wp_id: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    post_type: str = ""
    status: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    modified: str = ""
    modified_gmt: str = ""
    slug: str = ""
    comment_status: str = ""
    sticky: bool = False
    parent: str = ""
    attachment_url: str = ""
    mime_type: str = ""
    password: str = ""
    # (domain, nicename, name) in the order the export lists them.
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WPComment] = field(default_factory=list)

    def digest(self) -> str:
        """What the export says of this item, comments apart, as a SHA-256."""
        data = {name: value for name, value in vars(self).items() if name != "comments"}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Site:
    base_url: str  # wp:base_site_url, else the channel's <link>
    blog_url: str


@functools.cache  # a few dozen distinct tags, met millions of times in a large export
def _local(tag: str) -> tuple[str, str]:
    """("wp", "post_id") for any WXR version's namespace; ("", "title") for plain RSS."""
    if not tag.startswith("{"):
        return "", tag
    namespace, name = tag[1:].split("}", 1)
    if namespace.startswith("http://wordpress.org/export/"):
        return ("excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"), name
    if f"{{{namespace}}}" == CONTENT:
        return "content", name
    if f"{{{namespace}}}" == DC:
        return "dc", name
    return namespace, name


def _children(element: Element) -> dict[tuple[str, str], str]:
    return {_local(child.tag): (child.text or "") for child in element}


def _author(element: Element) -> Author:
    values = _children(element)
    return Author(
        wp_id=values.get(("wp", "author_id"), "").strip(),
        login=values.get(("wp", "author_login"), "").strip(),
        email=values.get(("wp", "author_email"), "").strip(),
        display_name=values.get(("wp", "author_display_name"), "").strip(),
        first_name=values.get(("wp", "author_first_name"), "").strip(),
        last_name=values.get(("wp", "author_last_name"), "").strip(),
    )


def _term(element: Element, name: str) -> Term | None:
    values = _children(element)
    if name == "category":
        return Term(
            "category",
            values.get(("wp", "term_id"), ""),
            values.get(("wp", "category_nicename"), "").strip(),
            values.get(("wp", "cat_name"), "").strip(),
            values.get(("wp", "category_parent"), "").strip(),
        )
    if name == "tag":
        return Term(
            "tag",
            values.get(("wp", "term_id"), ""),
            values.get(("wp", "tag_slug"), "").strip(),
            values.get(("wp", "tag_name"), "").strip(),
        )
    taxonomy = values.get(("wp", "term_taxonomy"), "")
    kind = {"category": "category", "post_tag": "tag"}.get(taxonomy)
    if kind is None:
        return None
    return Term(
        kind,
        values.get(("wp", "term_id"), ""),
        values.get(("wp", "term_slug"), "").strip(),
        values.get(("wp", "term_name"), "").strip(),
        values.get(("wp", "term_parent"), "").strip(),
    )


def _comment(element: Element) -> WPComment:
    values = _children(element)

    def get(name: str) -> str:
        return values.get(("wp", f"comment_{name}"), "")

    return WPComment(
        wp_id=get("id").strip(),
        author=get("author").strip(),
        email=get("author_email").strip(),
        url=get("author_url").strip(),
        ip=get("author_IP").strip(),
        date_gmt=get("date_gmt").strip(),
        date=get("date").strip(),
        content=get("content"),
        approved=get("approved").strip(),
        type=get("type").strip(),
        parent=get("parent").strip(),
        user_id=get("user_id").strip(),
    )


def _item(element: Element) -> Item:
    values: dict[tuple[str, str], str] = {}
    item = Item()
    for child in element:
        key = _local(child.tag)
        if key == ("", "category"):
            item.terms.append(
                (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
            )
        elif key == ("wp", "postmeta"):
            meta = _children(child)
            item.meta[meta.get(("wp", "meta_key"), "")] = meta.get(("wp", "meta_value"), "")
        elif key == ("wp", "comment"):
            item.comments.append(_comment(child))
        else:
            values[key] = child.text or ""
    item.wp_id = values.get(("wp", "post_id"), "").strip()
    item.title = values.get(("", "title"), "").strip()
    item.link = values.get(("", "link"), "").strip()
    item.guid = values.get(("", "guid"), "").strip()
    item.post_type = values.get(("wp", "post_type"), "post").strip()
    item.status = values.get(("wp", "status"), "").strip()
    item.creator = values.get(("dc", "creator"), "").strip()
    item.content = values.get(("content", "encoded"), "")
    item.excerpt = values.get(("excerpt", "encoded"), "")
    item.post_date = values.get(("wp", "post_date"), "").strip()
    item.post_date_gmt = values.get(("wp", "post_date_gmt"), "").strip()
    item.modified = values.get(("wp", "post_modified"), "").strip()
    item.modified_gmt = values.get(("wp", "post_modified_gmt"), "").strip()
    item.slug = values.get(("wp", "post_name"), "").strip()
    item.comment_status = values.get(("wp", "comment_status"), "open").strip()
    item.sticky = values.get(("wp", "is_sticky"), "0").strip() == "1"
    item.parent = values.get(("wp", "post_parent"), "0").strip()
    item.attachment_url = values.get(("wp", "attachment_url"), "").strip()
    # WordPress 6 exports no MIME type for attachments: the file's name tells it.
    item.mime_type = values.get(("wp", "post_mime_type"), "").strip() or (
        mimetypes.guess_type(urlsplit(item.attachment_url).path)[0] or ""
    )
    item.password = values.get(("wp", "post_password"), "")
    return item


Record = Site | Author | Term | Item


def read(path) -> Iterator[Record]:
    """The export's site, authors, terms and items, in file order.

    Raises MalformedExport naming the line and column where the XML breaks, or saying why the
    file is refused (entities, or no WordPress export at all).
    """
    channel: Element | None = None
    site_values: dict[tuple[str, str], str] = {}
    site_given = False
    depth = 0
    seen_rss = False
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            key = _local(element.tag)
            if event == "start":
                depth += 1
                if depth == 1:
                    seen_rss = key == ("", "rss")
                elif depth == 2 and key == ("", "channel"):
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            # A child of <channel> has ended: turn it into a record, then let it go.
            if key[0] == "wp" and key[1] == "author":
                yield _author(element)
            elif key[0] == "wp" and key[1] in ("category", "tag", "term"):
                if term := _term(element, key[1]):
                    yield term
            elif key == ("", "item"):
                if not site_given:
                    site_given = True
                    yield _site(site_values)
                yield _item(element)
            else:
                site_values[key] = (element.text or "").strip()
            channel.remove(element)
    except ParseError as error:
        line, column = error.position
        raise MalformedExport(
            f"The file is not well-formed XML at line {line}, column {column + 1}: {error}."
        ) from error
    except DefusedXmlException as error:
        raise MalformedExport(
            f"The file is refused: it declares entities or external references ({error})."
        ) from error
    if not seen_rss or channel is None:
        raise MalformedExport("The file is not a WordPress export (no <rss><channel>).")
    if not site_given:
        yield _site(site_values)


def _site(values: dict[tuple[str, str], str]) -> Site:
    base = values.get(("wp", "base_site_url")) or values.get(("", "link"), "")
    blog = values.get(("wp", "base_blog_url")) or base
    return Site(base_url=base.rstrip("/"), blog_url=blog.rstrip("/"))
