"""Writing posts: saving, publishing and unpublishing, each with what must happen around it.

Every way staff change a post comes through here: the admin form and a revision's restore
(`save_post`), the admin actions (`publish`, `unpublish`) and deleting (`delete_posts`). So
preview links are revoked, the site's pages made fresh and the history kept by one rule each,
whichever way a change came.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from freshness.stamp import mark_site_changed
from news.models import Post, SlugRedirect, new_preview_key
from news.renditions import make_renditions
from news.revisions.record import forget_history, record_prior_state, record_revision


def save_post(post: Post, *, by, old_slug: str | None = None) -> Post:
    """Save a post and its image renditions; a changed slug keeps the old address working, and
    a changed status (published, or taken down) revokes the preview links shared before.

    Records no revision: the admin form records one once tags and papers are saved too.
    """
    stored = Post.objects.filter(pk=post.pk).values_list("status", flat=True).first()
    changed = post.pk is not None and post.status != stored
    return _save(post, old_slug=old_slug, revoke_links=changed)


def publish(posts: Iterable[Post], *, by, at: datetime | None = None) -> int:
    """Publish each post and keep a revision of it; return how many were published.

    Each post appears at `at` when given (a future time schedules it), else at its own
    publication date, or now if it has none. Publishing revokes its preview links.
    """
    changes: dict[str, object] = {"status": Post.Status.PUBLISHED}
    if at is not None:
        changes["published_at"] = at
    return _change(posts, by=by, **changes)


def unpublish(posts: Iterable[Post], *, by) -> int:
    """Take each post back to draft, revoking its preview links, and keep a revision of it;
    return how many were taken back."""
    return _change(posts, by=by, status=Post.Status.DRAFT)


def delete_posts(posts: Iterable[Post]) -> int:
    """Delete each post with its history (revisions); return how many were deleted."""
    pks = [post.pk for post in posts]
    with transaction.atomic():
        forget_history(pks)
        _, deleted = Post.objects.filter(pk__in=pks).delete()
    return deleted.get(Post._meta.label, 0)


def _change(posts: Iterable[Post], *, by, **changes) -> int:
    """Set `changes` on each post, keeping its state before (the first time) and after.

    Works on the stored rows, locked meanwhile: a caller holding a post refreshes it after.
    """
    pks = [post.pk for post in posts]  # a queryset or a list: read once, locked below
    with transaction.atomic():
        chosen = Post.objects.select_for_update().select_related("category").filter(pk__in=pks)
        for post in chosen:
            record_prior_state(post.pk)
            for name, value in changes.items():
                setattr(post, name, value)
            _save(post, revoke_links=True)
            record_revision(post, by=by)
        count = len(chosen)
    mark_site_changed()
    return count


def _save(post: Post, *, old_slug: str | None = None, revoke_links: bool) -> Post:
    with transaction.atomic():
        if revoke_links:
            # Published or taken down: links shared before stop working.
            post.preview_key = new_preview_key()
        post.save()
        previous = post.image_renditions
        if make_renditions(post) != previous:
            post.save(update_fields=["image_renditions"])
        if old_slug and old_slug != post.slug:
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"post": post})
        # An address in use by a post is never also a redirect (staff may reuse an old slug).
        SlugRedirect.objects.filter(old_slug=post.slug).delete()
    return post
