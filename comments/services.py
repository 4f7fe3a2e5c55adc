"""Writing comments: submitting a reply and moderating replies, used by views and the admin."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from comments import notifications
from comments.announcements import announcement_due
from comments.models import Comment
from freshness.stamp import mark_site_changed


def submit_comment(
    *,
    post,
    name: str,
    email: str,
    website: str = "",
    text: str,
    status: str = Comment.Status.PENDING,
    reason: str = "",
    parent: Comment | None = None,
    user=None,
    ip_address=None,
    user_agent: str = "",
    notify_on_approval: bool = False,
) -> Comment:
    """Save a reply with the status the rules gave it, and tell whoever needs to know."""
    held = status == Comment.Status.PENDING
    # One transaction, the caller's if there is one (no savepoint, so no more queries), so the
    # check for an announcement on its way and the reply's INSERT are made under one lock.
    with transaction.atomic(savepoint=False):
        announce = held and announcement_due()
        comment = Comment.objects.create(
            post=post,
            parent=parent,
            ancestry=parent.ancestry_for_child() if parent else "",
            thread_key=parent.conversation_key if parent else None,
            name=name,
            email=email,
            website=website,
            text=text,
            user=user,
            status=status,
            reason=reason,
            ip_address=ip_address,
            user_agent=user_agent[:500],
            notify_on_approval=notify_on_approval,
            moderators_told=not held,  # a reply not held leaves moderators nothing to be told
        )
        if announce:
            transaction.on_commit(notifications.reply_held)
        elif status == Comment.Status.APPROVED:
            transaction.on_commit(lambda: notifications.replies_published([comment.pk]))
    return comment


def moderate(comments: QuerySet, *, status: str, by, reason: str = "") -> int:
    """Give comments a new status, recording who decided and when; returns how many changed."""
    return len(decide(comments, status=status, by=by, reason=reason))


def decide(comments: QuerySet, *, status: str, by, reason: str = "") -> dict[int, tuple[str, str]]:
    """`moderate`, returning each changed reply's status and reason before: what Undo restores."""
    if not reason:
        label = Comment.Status(status).label
        reason = f"{label} by {by.get_username()}" if by else label
    changing = comments.exclude(status=status)
    with transaction.atomic():
        # Locked until decided, and decided under the caller's own conditions (an email link's
        # "not moderated since"), so two moderators at once cannot both decide one reply.
        candidates = Comment.objects.filter(pk__in=changing.values("pk"))  # plain, to lock
        locked = candidates.select_for_update().values_list("pk", flat=True)
        rows = changing.filter(pk__in=list(locked)).values_list("pk", "status", "reason")
        before = {pk: (old_status, old_reason) for pk, old_status, old_reason in rows}
        ids = list(before)
        changing.filter(pk__in=ids).update(
            status=status, moderated_at=timezone.now(), moderated_by=by, reason=reason
        )
    # A bulk update sends no save signal; pages change only if a published reply is involved.
    if ids and Comment.Status.APPROVED in {status, *(old for old, _ in before.values())}:
        mark_site_changed()
    if status == Comment.Status.APPROVED and ids:
        transaction.on_commit(lambda: notifications.replies_published(ids, moderated=True))
    return before


def undo(before: dict[int, tuple[str, str]], *, status: str, by) -> int:
    """Put back what `decide` changed to `status`: each reply's earlier status and reason (why
    it was held), for those nobody has decided otherwise since; the undoer is recorded."""
    groups: dict[tuple[str, str], list[int]] = {}
    for pk, earlier in before.items():
        groups.setdefault(earlier, []).append(pk)
    restored = 0
    with transaction.atomic():
        for (old_status, old_reason), ids in sorted(groups.items()):
            still = Comment.objects.filter(pk__in=ids, status=status)
            reason = (
                old_reason or f"{Comment.Status(old_status).label} again by {by.get_username()}"
            )
            restored += moderate(still, status=old_status, by=by, reason=reason)
    return restored
