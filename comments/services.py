"""Writing comments: submitting a reply and moderating replies, used by views and the admin."""

from django.db.models import QuerySet
from django.utils import timezone

from comments.models import Comment
from news.freshness import mark_changed


def submit_comment(*, post, name: str, email: str, website: str, text: str, ip_address):
    """Save a visitor's reply as pending: nobody but its author sees it until approved."""
    comment = Comment.objects.create(
        post=post,
        name=name,
        email=email,
        website=website,
        text=text,
        ip_address=ip_address,
        status=Comment.Status.PENDING,
    )
    mark_changed([post.pk])  # its author now sees it on the page: caches must not answer 304
    return comment


def moderate(comments: QuerySet, *, status: str, by) -> int:
    """Give comments a new status, recording who decided and when; returns how many changed."""
    changing = comments.exclude(status=status)
    post_ids = set(changing.values_list("post_id", flat=True))
    count = changing.update(status=status, moderated_at=timezone.now(), moderated_by=by)
    mark_changed(post_ids)
    return count
