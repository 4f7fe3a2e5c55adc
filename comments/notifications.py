"""Who hears about replies, and when: each email is queued by ids (tasks.py) and written when
it is sent (emails.py), so posting never waits on mail and the queue holds no personal data."""

import logging
from functools import wraps

from comments.emails import (
    DIGEST,
    PUBLISHED_TO_AUTHOR,
    REPLY_TO_POST_AUTHOR,
    post_author_to_tell,
)
from comments.models import Comment, ModeratorPreference
from comments.moderators import moderators_to_email
from comments.policy import ReplyPolicy
from comments.tasks import TO_EACH_MODERATOR, queue_email

Delivery = ModeratorPreference.Delivery
logger = logging.getLogger("comments.mail")


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
def reply_held() -> None:
    """Replies wait for moderation: tell the moderators who want each one.

    One task, whoever the moderators are and however many replies it finds: the worker claims
    every reply held untold (announcements.claim_untold), finds the moderators and writes each
    email (tasks.TO_EACH_MODERATOR), so the request that saved a reply does none of that. Each
    email reads its reply when written (emails.held_reply), and says nothing of one decided or
    erased by then."""
    queue_email(TO_EACH_MODERATOR)


def send_digest() -> tuple[int, int]:
    """Queue the digest for each daily-digest moderator; returns (moderators, replies waiting)."""
    total = Comment.objects.pending().count()
    if not total:
        return 0, 0
    sent = 0
    for moderator_id in moderators_to_email(Delivery.DAILY).values_list("pk", flat=True):
        queue_email(DIGEST, recipient_id=moderator_id)
        sent += 1
    return sent, total


@_after_the_reply_is_saved
def replies_published(comment_ids: list[int], *, moderated: bool = False) -> None:
    """Replies went public: tell their authors who asked (if a moderator decided) and the
    posts' authors (if the reply policy says so)."""
    comments = Comment.objects.approved().filter(pk__in=comment_ids).select_related("post__author")
    tell_post_authors = ReplyPolicy.current().notify_post_author
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
        queue_email(PUBLISHED_TO_AUTHOR, comment_id=comment.pk)


def _tell_post_author(comment: Comment) -> None:
    author = post_author_to_tell(comment)
    if author is None:
        return
    if comment.user_id == author.pk or comment.email.casefold() == author.email.casefold():
        return  # their own reply
    # Claimed like the reply author's email: a reply unapproved and approved again, or two
    # approvals at once, tell the post's author once.
    claimed = Comment.objects.filter(pk=comment.pk, post_author_notified=False).update(
        post_author_notified=True
    )
    if claimed:
        queue_email(REPLY_TO_POST_AUTHOR, comment_id=comment.pk)
