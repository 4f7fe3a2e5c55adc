"""Who hears about replies, by email, sent through django.tasks so posting never waits on mail."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string

from comments.email_links import absolute_url, action_urls, admin_comment_url, admin_queue_url
from comments.models import Comment, DiscussionSettings, ModeratorPreference
from comments.tasks import queue_email

Delivery = ModeratorPreference.Delivery
logger = logging.getLogger("comments.mail")

# Replies listed in one digest; the rest are waiting in the admin's queue.
DIGEST_LIMIT = 50


def moderators(delivery: str):
    """Active moderators (and superusers) with an email address who chose this delivery."""
    chose = Q(moderator_preference__delivery=delivery)
    if delivery == Delivery.EACH:
        chose |= Q(moderator_preference__isnull=True)  # never chose: each reply, the default
    can_moderate = Q(groups__name="Moderators") | Q(is_superuser=True)
    users = get_user_model().objects.filter(can_moderate, chose, is_active=True)
    return users.exclude(email="").distinct().order_by("pk")


def _common_context() -> dict:
    return {
        "site_name": settings.SITE_NAME,
        "link_days": settings.COMMENTS_EMAIL_LINK_DAYS,
        "queue_url": admin_queue_url(),
    }


def _held_item(comment: Comment, moderator) -> dict:
    """One reply as a moderator's email shows it, with links signed for that moderator."""
    return {
        "comment": comment,
        "post_url": absolute_url(comment.post.get_absolute_url()),
        "links": action_urls(comment, moderator),
        "admin_url": admin_comment_url(comment),
    }


def _send(template: str, context: dict, *, subject: str, to: str, html: bool = False) -> None:
    queue_email(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string(f"comments/email/{template}.txt", context),
        html=render_to_string(f"comments/email/{template}.html", context) if html else "",
        to=[to],
    )


def _after_the_reply_is_saved(notify):
    """These run once the reply is committed: an error in them must not turn the visitor's
    saved reply into an error page (they would send it again), only into a logged error."""

    @wraps(notify)
    def wrapper(*args, **kwargs):
        try:
            notify(*args, **kwargs)
        except Exception:
            logger.exception("Could not prepare the emails of %s%r.", notify.__name__, args)

    return wrapper


@_after_the_reply_is_saved
def reply_held(comment_id: int) -> None:
    """A reply waits for moderation: tell the moderators who want each one."""
    comment = (
        Comment.objects.pending().select_related("post", "parent").filter(pk=comment_id).first()
    )
    if comment is None or comment.is_staff_reply:
        return
    for moderator in moderators(Delivery.EACH):
        context = {**_common_context(), "item": _held_item(comment, moderator)}
        subject = f"Please moderate: “{comment.post.title}”"
        _send("reply_held", context, subject=subject, to=moderator.email, html=True)


def send_digest() -> tuple[int, int]:
    """Email each daily-digest moderator the replies waiting; returns (moderators, replies)."""
    pending = Comment.objects.pending().select_related("post", "parent").order_by("submitted_at")
    total = pending.count()
    if not total:
        return 0, 0
    replies = list(pending[:DIGEST_LIMIT])
    sent = 0
    for moderator in moderators(Delivery.DAILY):
        context = {
            **_common_context(),
            "items": [_held_item(comment, moderator) for comment in replies],
            "total": total,
            "more": total - len(replies),
        }
        subject = f"{total} repl{'y' if total == 1 else 'ies'} waiting for moderation"
        _send("digest", context, subject=subject, to=moderator.email, html=True)
        sent += 1
    return sent, total


@_after_the_reply_is_saved
def replies_published(comment_ids: list[int], *, moderated: bool = False) -> None:
    """Replies went public: tell their authors who asked (if a moderator decided) and the
    posts' authors (if the discussion settings say so)."""
    comments = Comment.objects.approved().filter(pk__in=comment_ids).select_related("post__author")
    tell_post_authors = DiscussionSettings.current().notify_post_author
    for comment in comments:
        if moderated and comment.notify_on_approval:
            _tell_reply_author(comment)
        if tell_post_authors:
            _tell_post_author(comment)


def _tell_reply_author(comment: Comment) -> None:
    # Cleared in the same UPDATE that claims it, so two approvals at once still send one email
    # and a reply approved again later sends none.
    claimed = Comment.objects.filter(pk=comment.pk, notify_on_approval=True).update(
        notify_on_approval=False
    )
    if claimed:
        context = {
            **_common_context(),
            "comment": comment,
            "comment_url": absolute_url(comment.get_absolute_url()),
        }
        subject = f"Your comment on “{comment.post.title}” is published"
        _send("published_to_author", context, subject=subject, to=comment.email)


def _tell_post_author(comment: Comment) -> None:
    author = comment.post.author
    if author is None or not author.is_active or not author.email:
        return
    if comment.user_id == author.pk or comment.email.casefold() == author.email.casefold():
        return  # their own reply
    # Claimed like the reply author's email: a reply unapproved and approved again, or two
    # approvals at once, tell the post's author once.
    claimed = Comment.objects.filter(pk=comment.pk, post_author_notified=False).update(
        post_author_notified=True
    )
    if not claimed:
        return
    context = {
        **_common_context(),
        "comment": comment,
        "comment_url": absolute_url(comment.get_absolute_url()),
    }
    subject = f"New reply to “{comment.post.title}”"
    _send("reply_to_post_author", context, subject=subject, to=author.email)
