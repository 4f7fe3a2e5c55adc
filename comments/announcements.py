"""Telling moderators of held replies in batches: one queued task announces every reply held
since the last announcement, so most held replies queue nothing (issue 14: queueing a task is
an INSERT that cost the reply's request about 0.9 ms of CPU).

A held reply is saved untold (Comment.moderators_told false). The request saving it queues an
announcement (tasks.TO_EACH_MODERATOR) only when no other untold reply is recent: one that is
has its task still to run, and that task will announce this reply too. The task claims every
untold reply at once, then emails each moderator about each (tasks.py).
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from comments.models import Comment
from documents.compiled import CompiledCount

# A task not run this long after its reply was queued is taken for lost (the queue's INSERT
# failed, or the worker died holding it): the next held reply queues another, so a lost task
# delays an announcement rather than stopping them all. Far longer than the worker takes to
# reach a task, so a working queue is not sent two at a time.
ANNOUNCE_STALE_SECONDS = 300
_STALE = timedelta(seconds=ANNOUNCE_STALE_SECONDS)

# pg_advisory_xact_lock's key pair for announcing ("ann", "hld"); rules.one_at_a_time_from
# uses another first key, so no sender's lock waits on this one.
_LOCK_KEYS = (0x616E6E, 0x686C64)


def _untold_since(moment):
    return Comment.objects.untold().filter(submitted_at__gte=moment).order_by().values("pk")[:1]


# Asked on every held reply: through SQL written once per process (documents.compiled), as
# building the query through the ORM costs several times what the database takes to answer.
_UNTOLD_SINCE = CompiledCount(_untold_since)


def one_announcer_at_a_time() -> None:
    """Inside a transaction: make the request deciding whether to queue an announcement and
    the task claiming the untold replies wait for each other, until the transaction ends.

    Without it, a reply committed just after the task read which replies to claim, by a request
    that saw an untold reply about to be claimed (so queued nothing), would never be announced.
    PostgreSQL takes a lock; SQLite needs none, its IMMEDIATE transactions (see settings)
    already let only one writer in at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(_LOCK_KEYS))


def announcement_due() -> bool:
    """Inside the transaction saving a held reply, before saving it: whether it must queue an
    announcement (no untold reply recent enough to have its task still to come)."""
    one_announcer_at_a_time()
    return not _UNTOLD_SINCE.count(timezone.now() - _STALE)


def claim_untold() -> list[int]:
    """Mark every untold held reply told, in a transaction of its own; returns their ids,
    oldest first, for the caller to announce once it is committed."""
    with transaction.atomic():
        one_announcer_at_a_time()
        untold = Comment.objects.untold().order_by("submitted_at", "pk")
        ids = list(untold.values_list("pk", flat=True))
        Comment.objects.filter(pk__in=ids).update(moderators_told=True)
    return ids
