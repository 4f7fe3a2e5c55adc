"""Putting an earlier revision of a post back: the plan (what it writes, what it changes, what
cannot come back and why), and carrying it out through the same service as the admin form."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.dateparse import parse_datetime
from reversion.models import Revision

from documents.models import Document
from news.models import Attachment, Category, Post
from news.revisions.diff import FieldChange, describe, diff_contents
from news.revisions.record import (
    DATE_FIELDS,
    PLAIN_FIELDS,
    content,
    record_revision,
    revision_post_id,
    snapshot,
    time_text,
)
from news.services import save_post

PUBLISHING_FIELDS = ("status", "published_at", "expires_at")


@dataclass(frozen=True)
class RestorePlan:
    """What restoring a revision writes, what that changes, and what cannot come back."""

    content: dict
    changes: list[FieldChange]
    notes: list[str]


def plan_restore(revision: Revision, post: Post | None = None) -> RestorePlan:
    post = post or Post.objects.select_related("category").get(pk=revision_post_id(revision))
    current = snapshot(post)
    # A revision from before a field was tracked leaves that field as it is now.
    wanted = {**current, **content(revision)}
    notes = []

    category = Category.objects.filter(pk=wanted["category"]["id"]).first()
    if category is None:
        notes.append(
            f"The category “{wanted['category']['name']}” has been deleted since: "
            f"the post stays in “{current['category']['name']}”."
        )
        wanted["category"] = current["category"]
    else:
        wanted["category"] = {"id": category.pk, "name": category.name}

    if Post.objects.exclude(pk=post.pk).filter(slug=wanted["slug"]).exists():
        notes.append(
            f"Another post now uses the address “{wanted['slug']}”: "
            f"this post keeps “{current['slug']}”."
        )
        wanted["slug"] = current["slug"]

    papers = [paper["id"] for paper in wanted["papers"]]
    titles = dict(Document.objects.filter(pk__in=papers).values_list("pk", "title"))
    for paper in wanted["papers"]:
        if paper["id"] not in titles:
            notes.append(f"The paper “{paper['title']}” has been deleted since: it is left out.")
    wanted["papers"] = [{"id": pk, "title": titles[pk]} for pk in papers if pk in titles]

    # Restoring content never publishes, unpublishes or reschedules: staff do that on purpose.
    publishing = [name for name in PUBLISHING_FIELDS if wanted[name] != current[name]]
    if publishing:
        notes.append("Whether and when the post is published stays as it is now.")
        wanted.update({name: current[name] for name in PUBLISHING_FIELDS})

    image = wanted["image"]
    if image and image != current["image"] and not post.image.storage.exists(image):
        notes.append(f"The image file “{image}” is gone: the post keeps its current image.")
        wanted["image"] = current["image"]

    return RestorePlan(wanted, diff_contents(current, wanted), notes)


def restore_revision(revision: Revision, *, by) -> RestorePlan:
    """Put a revision's content back on its post, record that as a new revision, and return
    the plan that was carried out (its notes say what could not be restored).

    Raises ValidationError if the old content breaks a rule that holds now.
    """
    with transaction.atomic():
        posts = Post.objects.select_for_update().select_related("category")
        post = posts.get(pk=revision_post_id(revision))
        plan = plan_restore(revision, post)
        wanted = plan.content
        old_slug = post.slug
        for name in PLAIN_FIELDS:
            setattr(post, name, wanted[name])
        for name in DATE_FIELDS:
            # Only times that change: a revision keeps them to the millisecond, the post finer.
            if wanted[name] != time_text(getattr(post, name)):
                setattr(post, name, parse_datetime(wanted[name]) if wanted[name] else None)
        post.category = Category.objects.get(pk=wanted["category"]["id"])
        if wanted["image"] != (post.image.name or ""):
            post.image = wanted["image"]
        post.full_clean()
        # Through the same service as the admin, so the address it leaves keeps redirecting.
        save_post(post, by=by, old_slug=old_slug)
        post.tags.set(wanted["tags"])
        post.attachments.all().delete()
        Attachment.objects.bulk_create(
            Attachment(post=post, document_id=paper["id"], position=position)
            for position, paper in enumerate(wanted["papers"])
        )
        record_revision(post, by=by, note=f"Restored from the version of {describe(revision)}.")
    return plan
