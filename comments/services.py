"""Writing comments: submitting a reply and moderating replies, used by views and the admin."""

from django.db.models import QuerySet
from django.utils import timezone

from comments.models import Comment
from news.freshness import mark_site_changed


def submit_comment(*, post, name: str, email: str, website: str, text: str, ip_address):
    """Save a visitor's reply as pending: nobody but its author sees it until approved."""
    return Comment.objects.create(
        post=post,
        name=name,
        email=email,
        website=website,
        text=text,
        ip_address=ip_address,
        status=Comment.Status.PENDING,
    )


def moderate(comments: QuerySet, *, status: str, by) -> int:
    """Give comments a new status, recording who decided and when; returns how many changed."""
    changing = comments.exclude(status=status)
    count = changing.update(status=status, moderated_at=timezone.now(), moderated_by=by)
    mark_site_changed()  # a bulk update sends no save signal
    return count
