"""Links for people outside a request: single-use moderation links (their tokens, read back
here too) and the admin's addresses, written into emails by the task worker.

A link names the reply, the action, the moderator it was sent to and the reply's
`moderated_at` when it was signed. Any decision on the reply changes `moderated_at`, so every
link sent about it stops working at once. A link acts only for that moderator, signed in:
anyone else holding the email is sent to the admin's sign-in. Following a link only shows what
it would do: mail scanners open links, and only the button acts, a POST carrying the token in
its body with Django's CSRF token (see views.moderate_from_email and views.moderate_reply).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.urls import reverse

from comments.models import Comment
from comments.moderators import moderators

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# Unchanged since the module was email_links.py: links already sent keep working.
_SALT = "comments.email_links"
ALREADY_MODERATED = "This reply has already been moderated, so the links about it no longer work."

# action in the link: (status it gives, how the reason and the pages put it, button label)
ACTIONS = {
    "approve": (Comment.Status.APPROVED, "Approved", "Approve"),
    "spam": (Comment.Status.SPAM, "Marked as spam", "Mark as spam"),
    "trash": (Comment.Status.TRASH, "Trashed", "Move to trash"),
}


def absolute_url(path: str) -> str:
    """Links in emails are written by the task worker, which has no request to ask."""
    return settings.SITE_URL.rstrip("/") + path


def admin_queue_url() -> str:
    return absolute_url(reverse("admin:comments_comment_changelist") + "?status__exact=pending")


def admin_comment_url(comment: Comment) -> str:
    return absolute_url(reverse("admin:comments_comment_change", args=[comment.pk]))


def _stamp(moderated_at) -> str | None:
    return moderated_at.isoformat() if moderated_at else None


def action_url(comment: Comment, action: str, moderator) -> str:
    """A link that lets `moderator` do `action` to `comment`, once, for a few days."""
    token = signing.dumps(
        {"c": comment.pk, "a": action, "u": moderator.pk, "m": _stamp(comment.moderated_at)},
        salt=_SALT,
    )
    return absolute_url(reverse("comments:moderate_from_email", args=[token]))


def action_urls(comment: Comment, moderator) -> dict[str, str]:
    return {action: action_url(comment, action, moderator) for action in ACTIONS}


class LinkRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Link:
    comment: Comment
    action: str
    moderator: "AbstractBaseUser"

    @property
    def status(self) -> str:
        return ACTIONS[self.action][0]

    @property
    def done(self) -> str:
        return ACTIONS[self.action][1]

    @property
    def button(self) -> str:
        return ACTIONS[self.action][2]


def read_link(token: str) -> Link:
    """The link's reply, action and moderator, if it may still be used; else LinkRefused."""
    max_age = timedelta(days=settings.COMMENTS_EMAIL_LINK_DAYS)
    try:
        data = signing.loads(token, salt=_SALT, max_age=max_age)
        comment_id, action, user_id, stamp = data["c"], data["a"], data["u"], data["m"]
    except signing.SignatureExpired as error:
        raise LinkRefused(410, "This link has expired.") from error
    except (signing.BadSignature, KeyError, TypeError) as error:
        raise LinkRefused(
            400, "This link is not valid. It may have been cut short when it was copied."
        ) from error
    comment = Comment.objects.select_related("post", "parent").filter(pk=comment_id).first()
    if comment is None or action not in ACTIONS:
        raise LinkRefused(410, "This reply no longer exists.")
    if _stamp(comment.moderated_at) != stamp:
        raise LinkRefused(410, ALREADY_MODERATED)
    moderator = moderators().filter(pk=user_id).first()
    if moderator is None:
        raise LinkRefused(410, "The account this link was sent to can no longer moderate replies.")
    return Link(comment=comment, action=action, moderator=moderator)
