"""Recording a post's history with django-reversion, and reading a revision back.

Each revision is a reversion Revision (who, when, and a note for staff as its comment) with a
Version of the post, of its category, of each of its tags, of each attached paper's place and
of that paper's title. The post is kept with all its own fields, so a field added later has its
history from its first save on (a comparison or a restore shows it once FIELDS names it).

`content(revision)` and `snapshot(post)` read a revision, and the post as stored now, as the same
dict: each name in FIELDS mapped to a JSON value. Comparing and restoring work on those dicts.
"""

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import reversion
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from reversion.models import Revision, Version
from taggit.models import Tag

from documents.models import Document
from news.models import Attachment, Category, Post

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
PRIOR_STATE_NOTE = "As it was before its history was kept."

# Tags are kept as the Tag rows the post follows, not as a field. The preview key is left out:
# it is a secret, and an old one must never come back to revive links that were revoked.
reversion.register(
    Post, exclude=("tags", "preview_key"), follow=("category", "tags", "attachments")
)
# Of the rows a post follows, only what a comparison shows: names and titles as they were then.
reversion.register(Category, fields=("name",))
reversion.register(Tag, fields=("name",))
reversion.register(Attachment, fields=("post", "document", "position"), follow=("document",))
reversion.register(Document, fields=("title",))


def revisions_of(post_id: int) -> QuerySet[Revision]:
    """The post's revisions, newest first."""
    versions = Version.objects.get_for_object_reference(Post, post_id)
    return Revision.objects.filter(pk__in=versions.values("revision_id")).order_by(
        "-date_created", "-pk"
    )


def revision_post_id(revision: Revision) -> int:
    """The post a revision is of (each revision keeps one post)."""
    return int(Version.objects.get_for_model(Post).get(revision=revision).object_id)


def forget_history(post_ids) -> None:
    """Delete the revisions of these posts: a deleted post takes its history with it, as it
    did before reversion kept it (reversion alone would keep a deleted object's versions)."""
    for post_id in post_ids:
        revisions_of(post_id).delete()


def record_revision(
    post: Post, *, by, note: str = "", at: datetime | None = None
) -> Revision | None:
    """Keep the post's current content as a revision, unless it matches the latest one."""
    latest = revisions_of(post.pk).prefetch_related("version_set").first()
    if latest is not None and content(latest) == snapshot(post):
        return None
    with reversion.create_revision(manage_manually=True):
        reversion.add_to_revision(post)
        reversion.set_user(by)
        reversion.set_comment(note)
        reversion.set_date_created(at or timezone.now())
    return Version.objects.get_for_object(post).select_related("revision").first().revision


def record_prior_state(post_id: int) -> None:
    """Before the first recorded change to a post made elsewhere (the demo loader, a shell),
    keep the state it had, so that change can be undone too."""
    if revisions_of(post_id).exists():
        return
    stored = Post.objects.select_related("category").get(pk=post_id)
    record_revision(stored, by=None, note=PRIOR_STATE_NOTE, at=stored.updated_at)


def snapshot(post: Post) -> dict:
    """The post's editable content as stored now; tags and papers are read afresh."""
    papers = (
        Attachment.objects.filter(post=post)
        .order_by("position", "pk")
        .values_list("document_id", "document__title")
    )
    return {
        **{name: getattr(post, name) for name in PLAIN_FIELDS},
        **{name: time_text(getattr(post, name)) for name in DATE_FIELDS},
        "category": {"id": post.category_id, "name": post.category.name},
        "tags": _sorted_names(post.tags.names()),
        "image": post.image.name or "",
        "papers": [{"id": pk, "title": title} for pk, title in papers],
    }


def content(revision: Revision) -> dict:
    """The post's content as the revision kept it, in the shape of `snapshot`.

    A field the revision did not keep (one added to FIELDS since) is left out, so a comparison
    shows nothing for it and a restore leaves it as it is now. Prefetch `version_set` when
    reading many revisions.
    """
    # model label -> primary key -> fields
    rows: defaultdict[str, dict[Any, dict[str, Any]]] = defaultdict(dict)
    for version in revision.version_set.all():
        for row in json.loads(version.serialized_data):
            rows[row["model"]][row["pk"]] = row["fields"]
    [(post_id, fields)] = rows["news.post"].items()
    kept = {name: fields[name] for name in (*PLAIN_FIELDS, "image") if name in fields}
    kept.update({name: time_text(fields[name]) for name in DATE_FIELDS if name in fields})
    category = fields["category"]
    kept["category"] = {"id": category, "name": rows["news.category"][category]["name"]}
    kept["tags"] = _sorted_names(tag["name"] for tag in rows["taggit.tag"].values())
    places = sorted(
        (place["position"], pk, place["document"])
        for pk, place in rows["news.attachment"].items()
        if place["post"] == post_id
    )
    titles = rows["documents.document"]
    kept["papers"] = [{"id": paper, "title": titles[paper]["title"]} for *_, paper in places]
    return kept


def time_text(value: datetime | str | None) -> str | None:
    """A time as a revision keeps it: in UTC, to the millisecond, as Django's JSON writes it.

    The post in memory may hold local times with microseconds; the same instant must read the
    same from a kept revision and from the post, or every save would look like a change.
    """
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return None
    return DjangoJSONEncoder().default(value.astimezone(UTC))


def _sorted_names(names) -> list[str]:
    return sorted(names, key=lambda name: (name.casefold(), name))
