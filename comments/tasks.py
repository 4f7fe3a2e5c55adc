"""Sending mail outside the request, so a reply never waits for, or fails with, the mail server.

A queued email holds ids only (which email, about which reply, for whom): the task renders it
when it runs (emails.compose). So the queue's table never holds a person's name, address,
words or IP address, and an email about a reply erased in the meantime is never written.
"""

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone
from django.utils.functional import Promise

from comments.announcements import claim_untold
from comments.emails import REPLY_HELD, compose
from comments.models import ModeratorPreference
from comments.moderators import moderators_to_email

logger = logging.getLogger("comments.mail")

Delivery = ModeratorPreference.Delivery

# A kind of its own: each held reply's email to each moderator who wants one (see send_email).
TO_EACH_MODERATOR = "reply_held_to_each_moderator"

# Minutes to wait before each new try after a failure: five tries in all over about 2.5 hours,
# long enough to ride out a mail server restart, short enough that a "please moderate" is
# still worth reading when it arrives.
RETRY_DELAYS_MINUTES = (1, 5, 30, 120)


class MailNotSent(Exception):
    """The mail server refused, failed or did not answer within EMAIL_TIMEOUT."""


@task
def send_email(
    *, kind: str, comment_id: int | None = None, recipient_id: int | None = None, attempt: int = 1
) -> bool:
    """Write and send one email (see emails.compose for the kinds); on failure log it, queue a
    later try and raise MailNotSent. Returns whether it went (nothing goes when there is
    nothing left to say).

    TO_EACH_MODERATOR is the email about each reply held untold (comments/announcements.py)
    to every moderator who wants each one: a request queues that one task for all the replies
    held until it runs, and the replies and moderators are found here, in the worker."""
    if kind == TO_EACH_MODERATOR:
        return _to_each_moderator(comment_id, attempt)
    return _send(kind, comment_id, recipient_id, attempt)


def _to_each_moderator(comment_id: int | None, attempt: int) -> bool:
    """REPLY_HELD about each untold reply to each moderator, each email tried (and tried again
    later) on its own. The replies are claimed, and committed as told, before any email goes:
    a task running beside this one, or after it, announces each reply no second time."""
    announced = claim_untold()
    # Only a task queued before announcements were batched names its reply; comments 0009
    # counted that reply as told, so it is announced here, by the task meant for it.
    if comment_id is not None and comment_id not in announced:
        announced.append(comment_id)
    moderator_ids = list(moderators_to_email(Delivery.EACH).values_list("pk", flat=True))
    failures: list[MailNotSent] = []
    sent = False
    for reply_id in announced:
        for moderator_id in moderator_ids:
            try:
                sent = _send(REPLY_HELD, reply_id, moderator_id, attempt) or sent
            except MailNotSent as failure:
                failures.append(failure)
    if failures:
        raise failures[0]
    return sent


def _send(kind: str, comment_id: int | None, recipient_id: int | None, attempt: int) -> bool:
    ids = {"kind": kind, "comment_id": comment_id, "recipient_id": recipient_id}
    try:
        message = compose(kind, comment_id=comment_id, recipient_id=recipient_id)
    except Exception:
        # A fault in the email's making would fail the same way again: no retry.
        logger.exception("Could not write the %s email (%r).", kind, ids)
        return False
    if message is None:
        return False
    try:
        message.send()
    except Exception as error:
        to = ", ".join(message.to)
        logger.exception("Could not send %r to %s (try %d).", message.subject, to, attempt)
        _retry_later(message.subject, ids, attempt)
        # Raised, not returned: the task's result must read FAILED, not SUCCESSFUL, for this
        # try (a later one, if queued above, has a result of its own).
        raise MailNotSent(f"{message.subject!r} to {to}, try {attempt}: {error}") from error
    return True


def _retry_later(subject: str | Promise, ids: dict, attempt: int) -> None:
    if attempt > len(RETRY_DELAYS_MINUTES):
        logger.error("Gave up sending %r after %d tries.", subject, attempt)
        return
    if not send_email.get_backend().supports_defer:
        # The immediate backend (development) cannot wait: trying again now would fail again.
        logger.error(
            "Gave up sending %r: the task backend cannot retry later "
            "(set TASKS_QUEUE=database and run the task worker).",
            subject,
        )
        return
    run_after = timezone.now() + timedelta(minutes=RETRY_DELAYS_MINUTES[attempt - 1])
    try:
        send_email.using(run_after=run_after).enqueue(**ids, attempt=attempt + 1)
    except Exception:
        logger.exception("Could not queue another try at sending %r.", subject)


def queue_email(kind: str, *, comment_id: int | None = None, recipient_id: int | None = None):
    """Hand an email to the task queue, by ids. Never raises: mail must not break what called it."""
    try:
        send_email.enqueue(kind=kind, comment_id=comment_id, recipient_id=recipient_id)
    except Exception:
        logger.exception("Could not queue the %s email about reply %s.", kind, comment_id)
