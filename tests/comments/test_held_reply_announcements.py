"""Held replies announced to moderators in batches: one queued task tells them of every reply
held until it runs, a lost task is made up for by the next reply, and a reply not held is never
announced (comments/announcements.py)."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import announcements
from comments.announcements import (
    ANNOUNCE_STALE_SECONDS,
    announcement_due,
    claim_untold,
    one_announcer_at_a_time,
)
from comments.models import Comment
from comments.services import moderate
from comments.tasks import TO_EACH_MODERATOR, send_email
from tests.comments.conftest import moderator_with, send_queued_emails
from tests.factories import make_comment, make_post
from tests.faults import needs_postgresql

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_site")]


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def moderators(django_user_model):
    return [moderator_with(django_user_model, name) for name in ("morgan", "alex")]


def queued() -> int:
    return DBTaskResult.objects.filter(args_kwargs__kwargs__kind=TO_EACH_MODERATOR).count()


def emails_to(address: str) -> list[str]:
    """The reply each email to `address` asks about, by its number ("Reply 2.")."""
    return sorted(re.search(r"Reply (\d+)\.", m.body)[1] for m in mail.outbox if m.to == [address])


def test_replies_held_in_a_row_queue_one_task_which_tells_of_each(
    database_queue, moderators, reply
):
    post = make_post()
    held = [reply(post, text=f"Reply {n}.") for n in (1, 2, 3)]

    assert queued() == 1
    assert all(not c.moderators_told for c in held)
    send_queued_emails()
    for moderator in moderators:
        assert emails_to(moderator.email) == ["1", "2", "3"]
    assert all(c.moderators_told for c in Comment.objects.filter(pk__in=[c.pk for c in held]))

    reply(post, text="Reply 4.")  # the batch is announced: a new one begins
    assert queued() == 2


def test_a_reply_held_after_an_untold_one_went_stale_queues_another_task(
    database_queue, moderators, reply
):
    """An untold reply older than ANNOUNCE_STALE_SECONDS means its task was lost: the next held
    reply queues one, which tells of both; a younger one means the task is still to come."""
    post = make_post()
    first = reply(post, text="Reply 1.")
    DBTaskResult.objects.all().delete()  # the first reply's task, lost
    nearly = timezone.now() - timedelta(seconds=ANNOUNCE_STALE_SECONDS - 10)
    Comment.objects.filter(pk=first.pk).update(submitted_at=nearly)
    reply(post, text="Reply 2.")
    assert queued() == 0

    stale = timezone.now() - timedelta(seconds=ANNOUNCE_STALE_SECONDS + 1)
    Comment.objects.filter(post=post).update(submitted_at=stale)
    reply(post, text="Reply 3.")

    assert queued() == 1
    send_queued_emails()
    assert emails_to(moderators[0].email) == ["1", "2", "3"]
    # Asked through SQL written once, with the clock moved each time (documents.compiled).
    assert None not in announcements._UNTOLD_SINCE._statements.values()


def test_replies_published_at_once_or_caught_as_spam_are_saved_told_and_queue_nothing(
    database_queue, moderators, reply
):
    approved = reply(status=Comment.Status.APPROVED, reason="Known author")
    spam = reply(status=Comment.Status.SPAM, reason="Spam words")

    assert approved.moderators_told and spam.moderators_told
    assert queued() == 0
    assert send_queued_emails() == []


def test_a_reply_decided_or_erased_before_the_task_runs_is_announced_to_nobody(
    database_queue, moderators, reply
):
    post = make_post()
    decided, erased, waiting = (reply(post, text=f"Reply {n}.") for n in (1, 2, 3))
    moderate(Comment.objects.filter(pk=decided.pk), status=Comment.Status.APPROVED, by=None)
    erased.delete()

    send_queued_emails()

    assert emails_to(moderators[0].email) == ["3"]
    assert emails_to(moderators[1].email) == ["3"]
    assert Comment.objects.get(pk=waiting.pk).moderators_told


def test_a_task_queued_by_the_old_code_for_one_reply_still_tells_of_it(moderators):
    """Before batching, each held reply queued a task naming it; comments 0009 counted that
    reply as told, so its own task announces it (and the replies untold by then)."""
    post = make_post()
    before = make_comment(post, status=Comment.Status.PENDING, text="Reply 1.")
    Comment.objects.filter(pk=before.pk).update(moderators_told=True)
    untold = make_comment(post, status=Comment.Status.PENDING, text="Reply 2.")

    send_email.call(kind=TO_EACH_MODERATOR, comment_id=before.pk)

    assert emails_to(moderators[0].email) == ["1", "2"]
    untold.refresh_from_db()
    assert untold.moderators_told


def test_a_claim_takes_each_untold_reply_once(moderators):
    post = make_post()
    ids = [make_comment(post, status=Comment.Status.PENDING).pk for _ in range(3)]
    make_comment(post, status=Comment.Status.APPROVED)

    assert sorted(claim_untold()) == sorted(ids)
    assert claim_untold() == []


def test_a_new_row_starts_untold():
    comment = make_comment(make_post(), status=Comment.Status.PENDING)
    comment.refresh_from_db()
    assert comment.moderators_told is False


def test_whether_an_announcement_is_due_is_read_along_an_index():
    """Asked on every held reply: a read of the few replies held in the last minutes, whatever
    the size of the table."""
    post = make_post()
    for status in Comment.Status:
        make_comment(post, status=status)
    recent = timezone.now() - timedelta(seconds=ANNOUNCE_STALE_SECONDS)
    sql, params = Comment.objects.untold().filter(submitted_at__gte=recent).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            # SQLite matches a partial index to literal values only, and Django binds them: it
            # reads the pending replies of the last minutes along the queue's index instead.
            assert "SEARCH comments_comment USING INDEX comment_queue_idx" in plan
            assert "submitted_at>?" in plan
        else:
            # With few rows the planner may rather scan; forbid that to see the index is usable.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "comment_untold_idx" in plan


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_replies_already_saved_as_told():
    """No flood of emails about old replies, and the reply queue's index of comments 0007
    survives SQLite's copy of the table."""
    executor = MigrationExecutor(connection)
    before = [("comments", "0008_email_index_lower_case")]
    try:
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        OldComment = old_apps.get_model("comments", "Comment")
        post = make_post()
        old = OldComment.objects.create(post_id=post.pk, name="A", email="a@example.org", text="x")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("comments"))

    assert Comment.objects.get(pk=old.pk).moderators_told is True
    indexes = connection.introspection.get_constraints(connection.cursor(), "comments_comment")
    assert {"comment_pending_first_idx", "comment_untold_idx"} <= set(indexes)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", [announcement_due, claim_untold], ids=["request", "worker"])
def test_on_postgresql_the_request_and_the_worker_wait_for_each_others_lock(step):
    """A held reply's check and the task's claim never interleave (see one_announcer_at_a_time):
    each waits while the other's transaction holds the lock."""
    done = threading.Event()

    def in_another_connection():
        try:
            with transaction.atomic():
                step()
            done.set()
        finally:
            connection.close()

    with transaction.atomic():
        one_announcer_at_a_time()
        other = threading.Thread(target=in_another_connection)
        other.start()
        time.sleep(0.5)
        assert not done.is_set()
    other.join(timeout=10)
    assert done.is_set()
