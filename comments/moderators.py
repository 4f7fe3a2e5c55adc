"""Who moderates replies: whoever holds the permission to change them, never a group's name.

The permission may come through any group or be given directly; superusers hold them all.
Someone who loses it, or whose account is deactivated, stops receiving moderation emails, and
the links already sent to them stop working.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from comments.models import ModeratorPreference

MODERATE_PERMISSION = "comments.change_comment"
# Permissions come from Django's own backend; with_perm() must be told which, because the
# sign-in lockout check (imroc_site/sign_in.py) is a backend too, one that grants nothing.
PERMISSIONS_BACKEND = "django.contrib.auth.backends.ModelBackend"

Delivery = ModeratorPreference.Delivery


def moderators():
    """Active users who may moderate replies (superusers included)."""
    return get_user_model().objects.with_perm(
        MODERATE_PERMISSION, is_active=True, backend=PERMISSIONS_BACKEND
    )


def may_moderate(user) -> bool:
    """Whether this user (signed in or not) may moderate replies now."""
    return user.is_active and user.has_perm(MODERATE_PERMISSION)


def moderators_to_email(delivery: str | None = None):
    """Moderators with an email address; with `delivery`, only those who chose it (those who
    never chose get an email for each reply, the default)."""
    users = moderators().exclude(email="")
    if delivery is not None:
        chose = Q(moderator_preference__delivery=delivery)
        if delivery == Delivery.EACH:
            chose |= Q(moderator_preference__isnull=True)
        users = users.filter(chose)
    return users.order_by("pk")
