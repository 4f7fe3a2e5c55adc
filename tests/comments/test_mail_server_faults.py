"""A mail server that is down or hung: the reply is saved at once, the try ends within
EMAIL_TIMEOUT and reads FAILED in the task results, and a later try is queued (issue 11,
"Mail server down or hung"). Real SMTP connections, to a closed port and to a silent server."""

import time

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from tests.faults import closed_port, silent_server

# The worker closes its database connection when done, as a real worker does (see
# test_mail_authors.py): committed rows, no test-wide transaction.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("mail_site")]

EMAIL_TIMEOUT = 1


def smtp_mailer_at(port: int) -> dict:
    options = {"host": "127.0.0.1", "port": port, "timeout": EMAIL_TIMEOUT}
    return {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }


def run_worker() -> float:
    started = time.monotonic()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    return time.monotonic() - started


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def assert_try_failed_and_next_queued(first: DBTaskResult):
    first.refresh_from_db()
    assert first.status == TaskResultStatus.FAILED
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.status == TaskResultStatus.READY
    assert retry.args_kwargs["kwargs"]["attempt"] == 2


@pytest.mark.slow  # waits out the SMTP timeout
def test_a_hung_mail_server_fails_the_try_within_the_timeout(
    settings, database_queue, reply, morgan
):
    with silent_server() as port:
        settings.MAILERS = smtp_mailer_at(port)
        reply()
        assert Comment.objects.count() == 1  # saved before any mail is tried
        first = DBTaskResult.objects.get()
        seconds = run_worker()
    assert seconds < EMAIL_TIMEOUT + 3
    assert_try_failed_and_next_queued(first)


def test_a_mail_server_that_is_down_fails_the_try_and_queues_another(
    settings, database_queue, reply, morgan
):
    settings.MAILERS = smtp_mailer_at(closed_port())
    reply()
    assert Comment.objects.count() == 1
    first = DBTaskResult.objects.get()
    run_worker()
    assert_try_failed_and_next_queued(first)


def test_the_last_try_reads_failed_and_queues_no_more(settings, database_queue, reply, morgan):
    settings.MAILERS = smtp_mailer_at(closed_port())
    reply()
    last = DBTaskResult.objects.get()
    kwargs = last.args_kwargs
    kwargs["kwargs"]["attempt"] = 5  # as the fifth and last try would be queued
    DBTaskResult.objects.filter(pk=last.pk).update(args_kwargs=kwargs)
    run_worker()
    last.refresh_from_db()
    assert last.status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.count() == 1
