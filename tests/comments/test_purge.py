"""`manage.py purge_comments`: old spam and trash go, old IP addresses and browser names too."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.emails import REPLY_HELD
from comments.models import Comment
from comments.tasks import send_email
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

Status = Comment.Status


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def purge(*args):
    output = io.StringIO()
    call_command("purge_comments", *args, stdout=output)
    return output.getvalue()


@pytest.fixture(autouse=True)
def _days(settings):
    settings.COMMENTS_PURGE_DAYS = 30
    settings.COMMENTS_ERASE_IP_DAYS = 60


@pytest.fixture
def replies():
    post = make_post()

    def reply(status, sent, decided=None, **fields):
        return make_comment(
            post,
            status=status,
            submitted_at=days_ago(sent),
            moderated_at=days_ago(decided) if decided is not None else None,
            ip_address="203.0.113.9",
            user_agent="Mozilla/5.0",
            **fields,
        )

    return reply


def test_purge_deletes_spam_and_trash_decided_long_ago_only(replies):
    old_spam = replies(Status.SPAM, sent=40, decided=31)
    old_trash = replies(Status.TRASH, sent=40, decided=31)
    caught_on_arrival = replies(Status.SPAM, sent=31)  # the rules decided when it came
    lately_decided = replies(Status.SPAM, sent=40, decided=5)
    recent_trash = replies(Status.TRASH, sent=10, decided=10)
    old_approved = replies(Status.APPROVED, sent=40, decided=39)
    old_pending = replies(Status.PENDING, sent=40)
    answer = replies(Status.APPROVED, sent=1, parent=old_trash)

    output = purge()

    gone = {old_spam.pk, old_trash.pk, caught_on_arrival.pk}
    kept = {lately_decided.pk, recent_trash.pk, old_approved.pk, old_pending.pk, answer.pk}
    assert set(Comment.objects.values_list("pk", flat=True)) == kept
    assert not Comment.objects.filter(pk__in=gone).exists()
    assert "Deleted 3 spam or trashed replies decided more than 30 days ago." in output
    answer.refresh_from_db()
    assert answer.parent is None  # an answer to a deleted reply stays


def test_purge_erases_addresses_and_browsers_of_old_replies_only(replies):
    old = replies(Status.APPROVED, sent=61)
    old_pending = replies(Status.PENDING, sent=70)
    recent = replies(Status.APPROVED, sent=59)

    output = purge()

    for comment in (old, old_pending):
        comment.refresh_from_db()
        assert comment.ip_address is None
        assert comment.user_agent == ""
        assert comment.text  # the reply itself stays
    recent.refresh_from_db()
    assert recent.ip_address == "203.0.113.9"
    assert recent.user_agent == "Mozilla/5.0"
    assert "Erased the IP address and browser name of 2 replies older than 60 days." in output

    # Nothing left to do the next day.
    assert "Erased the IP address and browser name of 0 replies" in purge()


def test_dry_run_says_what_it_would_do_and_changes_nothing(replies):
    spam = replies(Status.SPAM, sent=40, decided=35)
    old = replies(Status.APPROVED, sent=90)

    output = purge("--dry-run")

    assert "Would delete 1 spam or trashed reply" in output
    assert "Would erase the IP address and browser name of 1 reply" in output
    assert Comment.objects.filter(pk=spam.pk).exists()
    old.refresh_from_db()
    assert old.ip_address == "203.0.113.9"


def test_the_periods_come_from_the_settings(settings, replies):
    settings.COMMENTS_PURGE_DAYS = 3
    settings.COMMENTS_ERASE_IP_DAYS = 7
    spam = replies(Status.SPAM, sent=5, decided=4)
    week_old = replies(Status.APPROVED, sent=8)

    purge()

    assert not Comment.objects.filter(pk=spam.pk).exists()
    week_old.refresh_from_db()
    assert week_old.ip_address is None


@pytest.fixture
def queued_emails(settings):
    """Emails in the database task queue, finished or waiting, as the worker leaves them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def email(status, finished=None):
        result = send_email.enqueue(kind=REPLY_HELD, comment_id=1, recipient_id=1)
        finished_at = days_ago(finished) if finished is not None else None
        DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished_at)
        return result.id

    return email


def test_purge_deletes_emails_the_queue_finished_with_long_ago(queued_emails):
    sent_long_ago = queued_emails(TaskResultStatus.SUCCESSFUL, finished=61)
    given_up_long_ago = queued_emails(TaskResultStatus.FAILED, finished=70)
    sent_lately = queued_emails(TaskResultStatus.SUCCESSFUL, finished=59)
    waiting = queued_emails(TaskResultStatus.READY)

    dry = purge("--dry-run")

    assert "Would delete 2 emails from the task queue" in dry
    assert DBTaskResult.objects.count() == 4

    output = purge()

    assert "Deleted 2 emails from the task queue sent or given up" in output
    assert "more than 60 days ago" in output
    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert left == {sent_lately, waiting}
    assert not {sent_long_ago, given_up_long_ago} & left
