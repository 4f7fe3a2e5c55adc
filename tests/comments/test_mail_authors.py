"""Mail when a reply is published (to its author who asked, to the post's author), mail kept
safe, and mail failures that never reach the visitor."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, DiscussionSettings
from tests.comments.conftest import (
    BROKEN_MAILER,
    SITE_URL,
    approve,
    form_data,
    reply_url,
    with_email,
)
from tests.factories import make_post, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_site")]


# --- Reply published: its author and the post's author --------------------------------------


def test_approval_emails_the_author_who_asked_once_only(
    reply, morgan, django_capture_on_commit_callbacks
):
    post = make_post(title="Peer support")
    asked = reply(post, email="asked@example.org", notify_on_approval=True)
    silent = reply(post, email="silent@example.org")
    mail.outbox.clear()

    approve(asked, morgan, django_capture_on_commit_callbacks)
    approve(silent, morgan, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["asked@example.org"]]
    assert mail.outbox[0].subject == "[ImROC] Your comment on “Peer support” is published"
    # The reply's own link, which finds its page however long the discussion grows.
    assert f"{SITE_URL}{asked.get_absolute_url()}" in mail.outbox[0].body

    # Unapproved and approved again: never a second email.
    approve(asked, morgan, django_capture_on_commit_callbacks, Comment.Status.PENDING)
    approve(asked, morgan, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("refusal", [Comment.Status.SPAM, Comment.Status.TRASH])
def test_refusing_a_reply_never_emails_its_author(
    reply, morgan, django_capture_on_commit_callbacks, refusal
):
    comment = reply(notify_on_approval=True)
    mail.outbox.clear()

    approve(comment, morgan, django_capture_on_commit_callbacks, refusal)

    assert mail.outbox == []


def test_post_author_hears_of_published_replies_when_the_setting_is_on(
    django_user_model, reply, morgan, django_capture_on_commit_callbacks
):
    writer = with_email(make_staff(django_user_model, "Editors", "writer"))
    post = make_post(title="Our annual report", author=writer)
    DiscussionSettings.objects.filter(pk=1).update(notify_post_author=True)

    comment = reply(post, text="Great report.")
    assert not [m for m in mail.outbox if m.to == [writer.email]]  # not while it waits
    approve(comment, morgan, django_capture_on_commit_callbacks)
    reply(post, user=writer, name="Writer", email=writer.email, status=Comment.Status.APPROVED)

    to_writer = [m for m in mail.outbox if m.to == [writer.email]]
    assert len(to_writer) == 1  # not for the reply the author wrote themselves
    assert to_writer[0].subject == "[ImROC] New reply to “Our annual report”"
    assert "Great report." in to_writer[0].body
    assert f"Read it on the site: {SITE_URL}{comment.get_absolute_url()}\n" in to_writer[0].body

    DiscussionSettings.objects.filter(pk=1).update(notify_post_author=False)
    mail.outbox.clear()
    reply(post, status=Comment.Status.APPROVED)
    assert mail.outbox == []


def test_post_author_hears_of_a_reply_once_however_often_it_is_approved(
    django_user_model, reply, morgan, django_capture_on_commit_callbacks
):
    writer = with_email(make_staff(django_user_model, "Editors", "writer"))
    DiscussionSettings.objects.filter(pk=1).update(notify_post_author=True)
    comment = reply(make_post(author=writer))

    approve(comment, morgan, django_capture_on_commit_callbacks)
    approve(comment, morgan, django_capture_on_commit_callbacks, Comment.Status.PENDING)
    approve(comment, morgan, django_capture_on_commit_callbacks)

    assert len([m for m in mail.outbox if m.to == [writer.email]]) == 1


# --- Safety ---------------------------------------------------------------------------------


def test_what_visitors_typed_is_escaped_in_the_html_email(reply, morgan):
    reply(
        name='<script>alert("name")</script>',
        website='https://example.org/"><script>alert(1)</script>',
        text="<script>alert('text')</script><img src=x onerror=alert(2)>",
    )

    html = mail.outbox[0].alternatives[0][0]
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    # The plain text keeps what was typed, as text.
    assert "<script>alert('text')</script>" in mail.outbox[0].body


def test_a_reply_is_saved_when_the_mail_server_is_down_and_the_failure_logged(
    settings, reply, morgan, caplog
):
    settings.MAILERS = BROKEN_MAILER

    with caplog.at_level(logging.ERROR, logger="comments.mail"):
        comment = reply()

    assert Comment.objects.get(pk=comment.pk).is_pending
    failures = [r for r in caplog.records if r.name == "comments.mail"]
    assert failures[0].exc_info[0] is ConnectionRefusedError
    assert "Please moderate" in failures[0].getMessage()
    # The immediate backend cannot wait to try again, and says so.
    assert any("Gave up" in r.getMessage() for r in failures)


def test_the_visitor_never_sees_a_mail_failure(
    client, settings, morgan, caplog, django_capture_on_commit_callbacks
):
    settings.MAILERS = BROKEN_MAILER
    post = make_post()

    with (
        caplog.at_level(logging.ERROR, logger="comments.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reply_url(post), form_data())

    assert response.status_code == 302  # on to their reply, as when mail works
    assert Comment.objects.get().is_pending
    assert any(r.name == "comments.mail" and r.exc_info for r in caplog.records)


# The worker closes its database connection when done, as a real worker does: so a test that
# commits, rather than one rolled back at the end, which would need that connection open.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_failed_email_is_tried_again_later(
    settings, reply, morgan, caplog
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = BROKEN_MAILER

    reply()  # queued, not sent: the request never waits for the mail server
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "comments.tasks.send_email"

    with caplog.at_level(logging.ERROR, logger="comments.mail"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert timezone.now() + timedelta(seconds=30) < retry.run_after
    assert retry.run_after < timezone.now() + timedelta(minutes=2)
    assert any(r.name == "comments.mail" and r.exc_info for r in caplog.records)

    # The mail server is back when the retry is due.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [m.to for m in mail.outbox] == [[morgan.email]]
