"""Mail about replies: moderators, digests, authors, and moderating from an email's links."""

import io
import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, DiscussionSettings, ModeratorPreference
from comments.services import moderate, submit_comment
from tests.factories import make_post, make_staff

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example.org"


class BrokenMailer(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connection refused by the mail server")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE_URL
    settings.SITE_NAME = "ImROC"
    settings.COMMENTS_EMAIL_LINK_DAYS = 7
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"notify_post_author": False})


def with_email(user, email=None):
    user.email = email or f"{user.username}@example.org"
    user.save()
    return user


def moderator_with(django_user_model, username, delivery=None):
    user = with_email(make_staff(django_user_model, "Moderators", username))
    if delivery:
        ModeratorPreference.objects.create(user=user, delivery=delivery)
    return user


@pytest.fixture
def moderator(django_user_model):
    return moderator_with(django_user_model, "morgan")


@pytest.fixture
def reply(django_capture_on_commit_callbacks):
    """Send a reply the way the site's form does, running what waits for the commit."""

    def send(post=None, **fields):
        fields = {
            "name": "Sam Carter",
            "email": "sam@example.org",
            "text": "Thank you for these papers.",
            "reason": "Every reply is held for moderation",
            "ip_address": "203.0.113.7",
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return submit_comment(post=post or make_post(), **fields)

    return send


def approve(comment, by, django_capture_on_commit_callbacks, status=Comment.Status.APPROVED):
    with django_capture_on_commit_callbacks(execute=True):
        moderate(Comment.objects.filter(pk=comment.pk), status=status, by=by)


def link_in(message, label):
    """The path of a link in a text email, as the moderator's browser would request it."""
    url = re.search(rf"^{label}: (\S+)$", message.body, re.MULTILINE).group(1)
    assert url.startswith(SITE_URL)
    return urlsplit(url).path


# --- Reply held: per-reply emails -------------------------------------------------------------


def test_held_reply_emails_each_moderator_once_with_who_what_why_and_links(
    django_user_model, reply, moderator
):
    other = moderator_with(django_user_model, "alex")
    boss = with_email(django_user_model.objects.create_superuser("boss", password="x" * 12))
    with_email(make_staff(django_user_model, "Editors", "eddie"))
    gone = moderator_with(django_user_model, "gone")
    gone.is_active = False
    gone.save()
    make_staff(django_user_model, "Moderators", "no-address")  # no email address

    post = make_post(title="Recovery colleges")
    comment = reply(post, website="https://sam.example.org", reason="Has 3 links (more than 2)")

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [moderator.email, other.email, boss.email]
    )
    message = next(m for m in mail.outbox if m.to == [moderator.email])
    assert message.subject == "[ImROC] Please moderate: “Recovery colleges”"
    for detail in (
        "Sam Carter <sam@example.org>",
        "https://sam.example.org",
        "203.0.113.7",
        "Held because: Has 3 links (more than 2)",
        "Thank you for these papers.",
        f"{SITE_URL}{post.get_absolute_url()}",
        f"{SITE_URL}/admin/comments/comment/{comment.pk}/change/",
    ):
        assert detail in message.body
    for label in ("Approve", "Mark as spam", "Move to trash"):
        assert link_in(message, label).startswith("/comments/moderate/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Has 3 links (more than 2)" in html
    # Each moderator gets links of their own.
    other_message = next(m for m in mail.outbox if m.to == [other.email])
    assert link_in(other_message, "Approve") != link_in(message, "Approve")


def test_reply_by_staff_or_published_at_once_asks_no_moderator(django_user_model, reply, moderator):
    editor = with_email(make_staff(django_user_model, "Editors", "eddie"))
    reply(user=editor, name="Eddie", email=editor.email)
    reply(status=Comment.Status.APPROVED)
    reply(status=Comment.Status.SPAM)

    assert [m for m in mail.outbox if "Please moderate" in m.subject] == []


def test_daily_moderators_get_the_digest_instead_and_none_gets_nothing(
    client, django_user_model, reply, moderator
):
    daily = moderator_with(django_user_model, "dana", ModeratorPreference.Delivery.DAILY)
    moderator_with(django_user_model, "quiet", ModeratorPreference.Delivery.NONE)

    first = reply(text="First waiting reply", reason="Contains “casino”, one of the words to hold")
    reply(text="Second waiting reply")
    assert {m.to[0] for m in mail.outbox} == {moderator.email}

    mail.outbox.clear()
    output = io.StringIO()
    call_command("send_moderation_digest", stdout=output)

    assert "Queued a digest of 2 waiting replies for 1 moderator(s)." in output.getvalue()
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [daily.email]
    assert digest.subject == "[ImROC] 2 replies waiting for moderation"
    assert "First waiting reply" in digest.body and "Second waiting reply" in digest.body
    assert "Held because: Contains “casino”, one of the words to hold" in digest.body
    assert len(re.findall(r"^Approve: ", digest.body, re.MULTILINE)) == 2
    # The digest's links work for the moderator it went to.
    response = client.post(link_in(digest, "Approve"))
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == Comment.Status.APPROVED
    assert first.moderated_by == daily


def test_no_digest_when_no_reply_waits(django_user_model, reply):
    moderator_with(django_user_model, "dana", ModeratorPreference.Delivery.DAILY)
    reply(status=Comment.Status.APPROVED)
    mail.outbox.clear()

    output = io.StringIO()
    call_command("send_moderation_digest", stdout=output)

    assert mail.outbox == []
    assert "no digest sent" in output.getvalue()


# --- Reply published: its author and the post's author --------------------------------------


def test_approval_emails_the_author_who_asked_once_only(
    reply, moderator, django_capture_on_commit_callbacks
):
    post = make_post(title="Peer support")
    asked = reply(post, email="asked@example.org", notify_on_approval=True)
    silent = reply(post, email="silent@example.org")
    mail.outbox.clear()

    approve(asked, moderator, django_capture_on_commit_callbacks)
    approve(silent, moderator, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["asked@example.org"]]
    assert mail.outbox[0].subject == "[ImROC] Your comment on “Peer support” is published"
    # The reply's own link, which finds its page however long the discussion grows.
    assert f"{SITE_URL}{asked.get_absolute_url()}" in mail.outbox[0].body

    # Unapproved and approved again: never a second email.
    approve(asked, moderator, django_capture_on_commit_callbacks, Comment.Status.PENDING)
    approve(asked, moderator, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("refusal", [Comment.Status.SPAM, Comment.Status.TRASH])
def test_refusing_a_reply_never_emails_its_author(
    reply, moderator, django_capture_on_commit_callbacks, refusal
):
    comment = reply(notify_on_approval=True)
    mail.outbox.clear()

    approve(comment, moderator, django_capture_on_commit_callbacks, refusal)

    assert mail.outbox == []


def test_post_author_hears_of_published_replies_when_the_setting_is_on(
    django_user_model, reply, moderator, django_capture_on_commit_callbacks
):
    writer = with_email(make_staff(django_user_model, "Editors", "writer"))
    post = make_post(title="Our annual report", author=writer)
    DiscussionSettings.objects.filter(pk=1).update(notify_post_author=True)

    comment = reply(post, text="Great report.")
    assert not [m for m in mail.outbox if m.to == [writer.email]]  # not while it waits
    approve(comment, moderator, django_capture_on_commit_callbacks)
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
    django_user_model, reply, moderator, django_capture_on_commit_callbacks
):
    writer = with_email(make_staff(django_user_model, "Editors", "writer"))
    DiscussionSettings.objects.filter(pk=1).update(notify_post_author=True)
    comment = reply(make_post(author=writer))

    approve(comment, moderator, django_capture_on_commit_callbacks)
    approve(comment, moderator, django_capture_on_commit_callbacks, Comment.Status.PENDING)
    approve(comment, moderator, django_capture_on_commit_callbacks)

    assert len([m for m in mail.outbox if m.to == [writer.email]]) == 1


# --- Safety ---------------------------------------------------------------------------------


def test_what_visitors_typed_is_escaped_in_the_html_email(reply, moderator):
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
    settings, reply, moderator, caplog
):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_comments_mail.BrokenMailer"}}

    with caplog.at_level(logging.ERROR, logger="comments.mail"):
        comment = reply()

    assert Comment.objects.get(pk=comment.pk).is_pending
    failures = [r for r in caplog.records if r.name == "comments.mail"]
    assert failures[0].exc_info[0] is ConnectionRefusedError
    assert "Please moderate" in failures[0].getMessage()
    # The immediate backend cannot wait to try again, and says so.
    assert any("Gave up" in r.getMessage() for r in failures)


def test_the_visitor_never_sees_a_mail_failure(
    client, settings, moderator, caplog, django_capture_on_commit_callbacks
):
    from tests.test_comments import reply as form_data
    from tests.test_comments import reply_url

    settings.MAILERS = {"default": {"BACKEND": "tests.test_comments_mail.BrokenMailer"}}
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
    settings, reply, moderator, caplog
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = {"default": {"BACKEND": "tests.test_comments_mail.BrokenMailer"}}

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
    assert [m.to for m in mail.outbox] == [[moderator.email]]


# --- Moderating from the email's links ------------------------------------------------------


def test_following_a_link_only_asks_for_confirmation(client, reply, moderator):
    comment = reply(text="<b>Bold</b> claims")

    response = client.get(link_in(mail.outbox[0], "Approve"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in html
    assert "&lt;b&gt;Bold&lt;/b&gt; claims" in html
    assert '<form method="post">' in html and ">Approve</button>" in html
    comment.refresh_from_db()
    assert comment.is_pending and comment.moderated_at is None


def test_pressing_the_button_moderates_as_that_moderator_and_only_once(client, reply, moderator):
    comment = reply()
    approve_path = link_in(mail.outbox[0], "Approve")
    spam_path = link_in(mail.outbox[0], "Mark as spam")

    response = client.post(spam_path)

    assert response.status_code == 200
    assert "Marked as spam" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert comment.moderated_by == moderator
    assert comment.reason == "Marked as spam from email by morgan"

    # Once the reply is decided, every link about it is dead, the one used included.
    for path in (spam_path, approve_path):
        again = client.post(path)
        assert again.status_code == 410
        assert "already been moderated" in again.content.decode()
        assert "/admin/comments/comment/?status__exact=pending" in again.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_approve_link_publishes_the_reply(client, reply, moderator):
    comment = reply()

    response = client.post(link_in(mail.outbox[0], "Approve"))

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.reason == "Approved from email by morgan"
    assert comment.get_absolute_url() in response.content.decode()


def test_a_decision_in_the_admin_kills_the_emailed_links(
    client, reply, moderator, django_capture_on_commit_callbacks
):
    comment = reply()
    trash_path = link_in(mail.outbox[0], "Move to trash")
    approve(comment, moderator, django_capture_on_commit_callbacks)

    assert client.post(trash_path).status_code == 410
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_an_expired_link_is_refused(client, reply, moderator):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        response = client.post(path)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_tampered_link_is_refused(client, reply, moderator):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")
    token = path.split("/")[-2]
    tampered = path.replace(token, token[:-3] + ("aaa" if token[-3:] != "aaa" else "bbb"))

    response = client.post(tampered)

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_link_for_someone_no_longer_a_moderator_is_refused(client, reply, moderator):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")
    moderator.groups.remove(Group.objects.get(name="Moderators"))

    response = client.post(path)

    assert response.status_code == 410
    assert "can no longer moderate" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_link_for_a_deactivated_moderator_is_refused(client, reply, moderator):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")
    moderator.is_active = False
    moderator.save()

    assert client.post(path).status_code == 410
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_post_from_another_site_is_refused(client, reply, moderator):
    comment = reply()

    response = client.post(
        link_in(mail.outbox[0], "Approve"), headers={"Sec-Fetch-Site": "cross-site"}
    )

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.is_pending
