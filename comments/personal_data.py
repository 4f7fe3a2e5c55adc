"""A person's replies, found by their email address, to hand over or erase (UK GDPR rights of
access and erasure), for the admin and the `comment_personal_data` command."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from comments.models import Comment
from comments.moderation_links import absolute_url
from freshness.stamp import mark_site_changed


def comments_by(email: str) -> QuerySet:
    """Every reply given with this address, whatever its case; none for a blank address."""
    email = email.strip()
    if not email:
        return Comment.objects.none()
    return Comment.objects.given_with(email)


def export_personal_data(email: str) -> dict:
    """What the site holds about the person who used this address, ready to become JSON."""
    comments = comments_by(email).select_related("post").order_by("submitted_at", "pk")
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "name": comment.name,
                "email": comment.email,
                "website": comment.website,
                "text": comment.text,
                "post_title": comment.post.title,
                "post_url": absolute_url(comment.post.get_absolute_url()),
                "submitted_at": comment.submitted_at.isoformat(),
                "status": comment.status,
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
            }
            for comment in comments
        ],
    }


def erase_personal_data(email: str) -> int:
    """Delete this person's replies; returns how many.

    Other people's answers to them stay (their parent becomes empty). The admin's history of
    the deleted replies goes too: each entry names the reply's author. The task queue needs
    nothing: its emails hold only a reply's id, and one about a reply gone is never written.
    """
    with transaction.atomic():
        comments = comments_by(email)
        ids = [str(pk) for pk in comments.values_list("pk", flat=True)]
        _, deleted = comments.delete()
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Comment), object_id__in=ids
        ).delete()
    mark_site_changed()
    return deleted.get(Comment._meta.label, 0)
