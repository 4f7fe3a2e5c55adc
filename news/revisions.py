"""Post history: a copy of a post's content at every save, compared and restored on request.

A revision's `content` maps each name in FIELDS to a JSON value (see `snapshot`); under
NOTE_KEY it may also carry a note for staff, such as which version a restore came from.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from django.db import transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from documents.models import Document
from news.models import Attachment, Category, Post, PostRevision
from news.services import save_post

# In the order a comparison lists them.
FIELDS = (
    "title",
    "slug",
    "category",
    "tags",
    "excerpt",
    "body",
    "signature",
    "image",
    "image_alt",
    "status",
    "published_at",
    "expires_at",
    "event_start",
    "event_end",
    "event_location",
    "papers",
)
PLAIN_FIELDS = (
    "title",
    "slug",
    "excerpt",
    "body",
    "signature",
    "image_alt",
    "status",
    "event_location",
)
DATE_FIELDS = ("published_at", "expires_at", "event_start", "event_end")
PUBLISHING_FIELDS = ("status", "published_at", "expires_at")
# Compared line by line; tags and papers are compared one item a line.
LINE_FIELDS = ("excerpt", "body", "tags", "papers")
NOTE_KEY = "_note"
CONTEXT_LINES = 2
# Body HTML is one long line; a line break after each block makes a diff readable.
_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|li|ul|ol|blockquote)>|<br\s*/?>|<hr\s*/?>)", re.I)
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


# --- Recording ------------------------------------------------------------------------------


def snapshot(post: Post) -> dict:
    """The post's editable content as stored now; tags and papers are read afresh."""
    papers = (
        Attachment.objects.filter(post=post)
        .order_by("position", "pk")
        .values_list("document_id", "document__title")
    )
    return {
        **{name: getattr(post, name) for name in PLAIN_FIELDS},
        **{name: _iso(getattr(post, name)) for name in DATE_FIELDS},
        "category": {"id": post.category_id, "name": post.category.name},
        "tags": sorted(post.tags.names(), key=lambda name: (name.casefold(), name)),
        "image": post.image.name or "",
        "papers": [{"id": pk, "title": title} for pk, title in papers],
    }


def record_revision(
    post: Post, *, by, note: str = "", at: datetime | None = None
) -> PostRevision | None:
    """Keep the post's current content as a revision, unless it matches the latest one."""
    content = snapshot(post)
    latest = post.revisions.first()
    if latest is not None and _fields(latest.content) == content:
        return None
    if note:
        content[NOTE_KEY] = note
    return PostRevision.objects.create(
        post=post, created_by=by, content=content, created_at=at or timezone.now()
    )


def record_prior_state(post_id: int) -> None:
    """Before the first recorded change to a post made elsewhere (the demo loader, a shell),
    keep the state it had, so that change can be undone too."""
    if PostRevision.objects.filter(post_id=post_id).exists():
        return
    stored = Post.objects.select_related("category").get(pk=post_id)
    record_revision(
        stored, by=None, note="As it was before its history was kept.", at=stored.updated_at
    )


# --- Comparing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    diff: SafeString  # escaped HTML; <del> and <ins> mark what went and what came


def changed_fields(old: dict, new: dict) -> list[str]:
    return [name for name in FIELDS if old.get(name) != new.get(name)]


def diff_revisions(older: PostRevision, newer: PostRevision) -> list[FieldChange]:
    """What changed from one revision to another, field by field."""
    return diff_contents(older.content, newer.content)


def diff_contents(old: dict, new: dict) -> list[FieldChange]:
    changes = []
    for name in changed_fields(old, new):
        if name in LINE_FIELDS:
            diff = _line_diff(_lines(name, old.get(name)), _lines(name, new.get(name)))
        else:
            diff = _inline_diff(_display(name, old.get(name)), _display(name, new.get(name)))
        changes.append(FieldChange(name, field_label(name), diff))
    return changes


def field_label(name: str) -> str:
    if name == "papers":
        return "Attached papers"
    return capfirst(Post._meta.get_field(name).verbose_name)


def describe(revision: PostRevision) -> str:
    """“12 March 2026, 14:05 by alice”, for notes and headings."""
    when = _format_time(revision.created_at)
    user = revision.created_by
    return f"{when} by {user.get_full_name() or user.get_username()}" if user else when


def _display(name: str, value) -> str:
    if value in (None, ""):
        return ""
    if name == "category":
        return value["name"]
    if name == "status":
        return dict(Post.Status.choices).get(value, value)
    if name in DATE_FIELDS:
        return _format_time(parse_datetime(value))
    return str(value)


def _lines(name: str, value) -> list[str]:
    if not value:
        return []
    if name == "tags":
        return list(value)
    if name == "papers":
        return [paper["title"] for paper in value]
    if name == "body":
        value = _BLOCK_END.sub(r"\1\n", value)
    return [line for line in value.splitlines() if line.strip()]


def _line_diff(old: list[str], new: list[str]) -> SafeString:
    """Changed lines with a little context around them; changed words marked within a line."""
    rows = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for number, group in enumerate(matcher.get_grouped_opcodes(CONTEXT_LINES)):
        if number:
            rows.append(("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            gone, came = old[i1:i2], new[j1:j2]
            if tag == "equal":
                rows.extend(("same", line) for line in gone)
            else:
                rows.extend(_replaced_lines(gone, came))
    lines = format_html_join("", '<div class="diff-line diff-{}">{}</div>', rows)
    return format_html('<div class="revision-diff">{}</div>', lines)


def _replaced_lines(gone: list[str], came: list[str]):
    """Rows for lines replaced by others: a line edited in place shows its changed words."""
    start = 0
    for line in gone:
        match = next((k for k in range(start, len(came)) if _similar(line, came[k])), None)
        if match is None:
            yield "removed", format_html("<del>{}</del>", line)
            continue
        yield from (("added", format_html("<ins>{}</ins>", new)) for new in came[start:match])
        yield "changed", _inline_diff(line, came[match])
        start = match + 1
    yield from (("added", format_html("<ins>{}</ins>", new)) for new in came[start:])


def _inline_diff(old: str, new: str) -> SafeString:
    """The new text with removed words in <del> and added words in <ins>, all escaped."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        gone, came = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            parts.append(escape(gone))
            continue
        if gone:
            parts.append(format_html("<del>{}</del>", gone))
        if came:
            parts.append(format_html("<ins>{}</ins>", came))
    return format_html_join("", "{}", ((part,) for part in parts))


def _similar(old: str, new: str) -> bool:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    # The cheap upper bounds first: most pairs of unrelated lines stop there.
    return (
        matcher.real_quick_ratio() >= 0.6
        and matcher.quick_ratio() >= 0.6
        and matcher.ratio() >= 0.6
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _format_time(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "j F Y, H:i")


def _fields(content: dict) -> dict:
    return {name: value for name, value in content.items() if name != NOTE_KEY}


# --- Restoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestorePlan:
    """What restoring a revision writes, what that changes, and what cannot come back."""

    content: dict
    changes: list[FieldChange]
    notes: list[str]


def plan_restore(revision: PostRevision, post: Post | None = None) -> RestorePlan:
    post = post or revision.post
    current = snapshot(post)
    # A revision from before a field was tracked leaves that field as it is now.
    content = {**current, **_fields(revision.content)}
    notes = []

    category = Category.objects.filter(pk=content["category"]["id"]).first()
    if category is None:
        notes.append(
            f"The category “{content['category']['name']}” has been deleted since: "
            f"the post stays in “{current['category']['name']}”."
        )
        content["category"] = current["category"]
    else:
        content["category"] = {"id": category.pk, "name": category.name}

    if Post.objects.exclude(pk=post.pk).filter(slug=content["slug"]).exists():
        notes.append(
            f"Another post now uses the address “{content['slug']}”: "
            f"this post keeps “{current['slug']}”."
        )
        content["slug"] = current["slug"]

    wanted = [paper["id"] for paper in content["papers"]]
    titles = dict(Document.objects.filter(pk__in=wanted).values_list("pk", "title"))
    for paper in content["papers"]:
        if paper["id"] not in titles:
            notes.append(f"The paper “{paper['title']}” has been deleted since: it is left out.")
    content["papers"] = [{"id": pk, "title": titles[pk]} for pk in wanted if pk in titles]

    # Restoring content never publishes, unpublishes or reschedules: staff do that on purpose.
    publishing = [name for name in PUBLISHING_FIELDS if content[name] != current[name]]
    if publishing:
        notes.append("Whether and when the post is published stays as it is now.")
        content.update({name: current[name] for name in PUBLISHING_FIELDS})

    image = content["image"]
    if image and image != current["image"] and not post.image.storage.exists(image):
        notes.append(f"The image file “{image}” is gone: the post keeps its current image.")
        content["image"] = current["image"]

    return RestorePlan(content, diff_contents(current, content), notes)


def restore_revision(revision: PostRevision, *, by) -> RestorePlan:
    """Put a revision's content back on its post, record that as a new revision, and return
    the plan that was carried out (its notes say what could not be restored).

    Raises ValidationError if the old content breaks a rule that holds now.
    """
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("category").get(pk=revision.post_id)
        plan = plan_restore(revision, post)
        content = plan.content
        old_slug = post.slug
        for name in PLAIN_FIELDS:
            setattr(post, name, content[name])
        for name in DATE_FIELDS:
            setattr(post, name, parse_datetime(content[name]) if content[name] else None)
        post.category = Category.objects.get(pk=content["category"]["id"])
        if content["image"] != (post.image.name or ""):
            post.image = content["image"]
        post.full_clean()
        # Through the same service as the admin, so the address it leaves keeps redirecting.
        save_post(post, by=by, old_slug=old_slug)
        post.tags.set(content["tags"])
        post.attachments.all().delete()
        Attachment.objects.bulk_create(
            Attachment(post=post, document_id=paper["id"], position=position)
            for position, paper in enumerate(content["papers"])
        )
        record_revision(post, by=by, note=f"Restored from the version of {describe(revision)}.")
    return plan
