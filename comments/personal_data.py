"""A person's replies, found by their email address, to hand over or erase (UK GDPR rights of
access and erasure), for the admin and the `comment_personal_data` command."""

import json
import re
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.email_links import absolute_url
from comments.models import Comment
from freshness.stamp import mark_site_changed


def comments_by(email: str) -> QuerySet:
    """Every reply given with this address, whatever its case; none for a blank address."""
    email = email.strip()
    if not email:
        return Comment.objects.none()
    return Comment.objects.filter(email__iexact=email)


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
                "post_url": settings.SITE_URL.rstrip("/") + comment.post.get_absolute_url(),
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
    the deleted replies goes too: each entry names the reply's author. So do the emails about
    them in the task queue, sent or not: each holds their name, text and IP address.
    """
    with transaction.atomic():
        comments = comments_by(email)
        _queued_emails_about(email, list(comments)).delete()
        ids = [str(pk) for pk in comments.values_list("pk", flat=True)]
        _, deleted = comments.delete()
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Comment), object_id__in=ids
        ).delete()
    mark_site_changed()
    return deleted.get(Comment._meta.label, 0)


def _queued_emails_about(email: str, comments: list[Comment]) -> QuerySet:
    """Task rows (the database queue) whose email names this address or links to one of these
    replies: a post's author is told of a reply by its link, not its author's address."""
    email = email.strip()
    if not email:
        return DBTaskResult.objects.none()
    # Matched in the arguments as stored: JSON text, where a quote in an address is escaped;
    # as a whole address, so erasing jo@example.org leaves maryjo@example.org's mail alone.
    whole_addresses = [
        rf"(^|[^a-z0-9._%+-]){re.escape(form)}($|[^a-z0-9.-])"
        for form in {email, json.dumps(email)[1:-1]}
    ]
    matches = [Q(stored__iregex=pattern) for pattern in whole_addresses]
    matches += [
        Q(stored__icontains=absolute_url(comment.get_absolute_url())) for comment in comments
    ]
    stored = Cast("args_kwargs", TextField())
    return DBTaskResult.objects.alias(stored=stored).filter(reduce(or_, matches))
