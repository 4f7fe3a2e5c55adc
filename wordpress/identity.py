"""Which WordPress item became which object here, and whether either changed since."""

import hashlib
import json

from django.db import models

from comments.models import Comment
from news.models import Post
from wordpress.context import Run
from wordpress.models import ImportedItem


def find(run: Run, kind: str, wp_id: str) -> ImportedItem | None:
    return ImportedItem.objects.filter(source_site=run.source, kind=kind, wp_id=wp_id).first()


def remember(
    run: Run,
    kind: str,
    wp_id: str,
    obj: models.Model,
    *,
    source_hash: str,
    local_hash: str = "",
    guid: str = "",
    existing: ImportedItem | None = None,
) -> ImportedItem:
    record = existing or ImportedItem(source_site=run.source, kind=kind, wp_id=wp_id)
    record.guid = guid[:500]
    record.object_model = obj._meta.label_lower
    record.object_id = str(obj.pk)
    record.source_hash = source_hash
    record.local_hash = local_hash
    record.save()
    return record


def stage(
    run: Run,
    kind: str,
    wp_id: str,
    obj: models.Model,
    *,
    source_hash: str,
    local_hash: str,
    guid: str = "",
) -> None:
    """Remember a new item with the next flush(): a post and its replies in one query."""
    run.staged.append(
        ImportedItem(
            source_site=run.source,
            kind=kind,
            wp_id=wp_id,
            guid=guid[:500],
            object_model=obj._meta.label_lower,
            object_id=str(obj.pk),
            source_hash=source_hash,
            local_hash=local_hash,
        )
    )


def flush(run: Run) -> None:
    if run.staged:
        ImportedItem.objects.bulk_create(run.staged, ignore_conflicts=True)
        run.staged.clear()


def _digest(values: list) -> str:
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()


def post_hash(post: Post) -> str:
    """The post as staff could change it here (tags apart: they cost a query each)."""
    return _digest(
        [
            post.title,
            post.slug,
            post.body,
            post.excerpt,
            post.status,
            post.published_at,
            post.category_id,
            post.comments_open,
            post.author_id,
            bool(post.image),
            # Only when pinned, so posts imported before the site could pin keep their hash.
            *([True] if post.sticky else []),
        ]
    )


def comment_hash(comment: Comment) -> str:
    """The reply as a moderator could change it here."""
    return _digest([comment.text, comment.status, comment.name, comment.email, comment.website])
