"""What each email about replies says, written by the task worker from ids (see tasks.py).

Each kind is written from the database as it is when the email is sent: nothing is written
about a reply erased, or decided, in the meantime, nor for someone who can no longer moderate.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from comments.models import Comment
from comments.moderation_links import (
    absolute_url,
    action_urls,
    admin_comment_url,
    admin_queue_url,
)
from comments.moderators import moderators_to_email

# The kinds of email, named in the task queue.
REPLY_HELD = "reply_held"  # to one moderator: a reply waits (comment_id, recipient_id)
DIGEST = "digest"  # to one moderator: the replies waiting (recipient_id)
PUBLISHED_TO_AUTHOR = "published_to_author"  # to a reply's author who asked (comment_id)
REPLY_TO_POST_AUTHOR = "reply_to_post_author"  # to a post's author (comment_id)

# Replies listed in one digest; the rest are waiting in the admin's queue.
DIGEST_LIMIT = 50


def held_reply(comment_id: int) -> Comment | None:
    """The reply, if it still waits for a moderator's decision (staff replies never do)."""
    waiting = Comment.objects.pending().filter(pk=comment_id, user__isnull=True)
    return waiting.select_related("post", "parent").first()


def post_author_to_tell(comment: Comment):
    """The post's author, if they can still be told of replies (active, with an address)."""
    author = comment.post.author
    if author is None or not author.is_active or not author.email:
        return None
    return author


def compose(
    kind: str, *, comment_id: int | None = None, recipient_id: int | None = None
) -> EmailMultiAlternatives | None:
    """The email of this kind, ready to send; None if there is nothing left to say."""
    return _WRITERS[kind](comment_id, recipient_id)


def _reply_held(comment_id, moderator_id):
    comment = held_reply(comment_id)
    moderator = moderators_to_email().filter(pk=moderator_id).first()
    if comment is None or moderator is None:
        return None
    context = {**_common_context(), "item": _held_item(comment, moderator)}
    subject = f"Please moderate: “{comment.post.title}”"
    return _message("reply_held", context, subject=subject, to=moderator.email, html=True)


def _digest(_comment_id, moderator_id):
    pending = Comment.objects.pending().select_related("post", "parent").order_by("submitted_at")
    moderator = moderators_to_email().filter(pk=moderator_id).first()
    total = pending.count()
    if moderator is None or not total:
        return None
    replies = list(pending[:DIGEST_LIMIT])
    context = {
        **_common_context(),
        "items": [_held_item(comment, moderator) for comment in replies],
        "total": total,
        "more": total - len(replies),
    }
    subject = f"{total} repl{'y' if total == 1 else 'ies'} waiting for moderation"
    return _message("digest", context, subject=subject, to=moderator.email, html=True)


def _published_to_author(comment_id, _recipient_id):
    comment = _published(comment_id)
    if comment is None:
        return None
    subject = f"Your comment on “{comment.post.title}” is published"
    return _message("published_to_author", _about(comment), subject=subject, to=comment.email)


def _reply_to_post_author(comment_id, _recipient_id):
    comment = _published(comment_id)
    if comment is None:
        return None
    author = post_author_to_tell(comment)
    if author is None:
        return None
    subject = f"New reply to “{comment.post.title}”"
    return _message("reply_to_post_author", _about(comment), subject=subject, to=author.email)


_WRITERS = {
    REPLY_HELD: _reply_held,
    DIGEST: _digest,
    PUBLISHED_TO_AUTHOR: _published_to_author,
    REPLY_TO_POST_AUTHOR: _reply_to_post_author,
}


def _published(comment_id) -> Comment | None:
    return Comment.objects.approved().select_related("post__author").filter(pk=comment_id).first()


def _common_context() -> dict:
    return {
        "site_name": settings.SITE_NAME,
        "link_days": settings.COMMENTS_EMAIL_LINK_DAYS,
        "queue_url": admin_queue_url(),
    }


def _about(comment: Comment) -> dict:
    return {
        **_common_context(),
        "comment": comment,
        "comment_url": absolute_url(comment.get_absolute_url()),
    }


def _held_item(comment: Comment, moderator) -> dict:
    """One reply as a moderator's email shows it, with links signed for that moderator."""
    return {
        "comment": comment,
        "post_url": absolute_url(comment.post.get_absolute_url()),
        "links": action_urls(comment, moderator),
        "admin_url": admin_comment_url(comment),
    }


def _message(template: str, context: dict, *, subject: str, to: str, html: bool = False):
    # Subjects are one header line; a title or name with a newline must not break the email.
    subject = " ".join(f"[{settings.SITE_NAME}] {subject}".split())
    message = EmailMultiAlternatives(
        subject, render_to_string(f"comments/email/{template}.txt", context), to=[to]
    )
    if html:
        message.attach_alternative(
            render_to_string(f"comments/email/{template}.html", context), "text/html"
        )
    return message
