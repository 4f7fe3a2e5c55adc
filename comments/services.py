"""Writing comments: submitting a reply and moderating replies, used by views and the admin."""

from django.db.models import QuerySet
from django.utils import timezone

from comments.models import Comment


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
    return comments.exclude(status=status).update(
        status=status, moderated_at=timezone.now(), moderated_by=by
    )
