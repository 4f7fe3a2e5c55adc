"""What the comments tests share: the reply form's data, the admin's addresses, and the
moderators, replies and emails of the mail tests (plain functions and fixtures)."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comments.client import sign_form_time
from comments.models import Comment, DiscussionSettings, ModeratorPreference
from comments.services import moderate, submit_comment
from comments.tasks import send_email
from tests.factories import make_post, make_staff

# --- The public reply form ------------------------------------------------------------------


def form_time(seconds_ago: float = 60) -> str:
    """The form's signed time, as if the page had been opened `seconds_ago`."""
    return sign_form_time(int(time.time() - seconds_ago))


def form_data(**changes) -> dict:
    """What the "Leave a Reply" form sends, filled in by a person a minute after opening it."""
    return {
        "name": "Sam Carter",
        "email": "sam@example.org",
        "website": "",
        "text": "Thank you for sharing these papers.\nThey help our team.",
        "issued": form_time(),
        **changes,
    }


def reply_url(post):
    return reverse("comments:post", kwargs={"post_id": post.pk})


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def answer(parent, **fields) -> Comment:
    """An approved reply to `parent`, saved the way the site saves one."""
    fields.setdefault("name", "Answerer")
    fields.setdefault("email", "answer@example.org")
    fields.setdefault("text", f"Answer to {parent.pk}")
    return submit_comment(post=parent.post, parent=parent, status="approved", **fields)


# --- The admin ------------------------------------------------------------------------------

QUEUE = "admin:comments_comment_changelist"
PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def queue_url(**query):
    url = reverse(QUEUE)
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else url


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def approve_reply_url(comment):
    return reverse("admin:comments_comment_approve_reply", args=[comment.pk])


def listed(response):
    return list(response.context["cl"].result_list)


@pytest.fixture
def moderator(client, django_user_model):
    """A member of Moderators, signed in to the admin."""
    user = make_staff(django_user_model, "Moderators")
    user.first_name, user.last_name, user.email = "Mo", "Derator", "mo@example.org"
    user.save()
    client.force_login(user)
    return user


@pytest.fixture
def editor(client, django_user_model):
    user = make_staff(django_user_model, "Editors")
    client.force_login(user)
    return user


# --- Mail -----------------------------------------------------------------------------------

SITE_URL = "https://news.example.org"


class BrokenMailer(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connection refused by the mail server")


BROKEN_MAILER = {"default": {"BACKEND": f"{__name__}.BrokenMailer"}}


@pytest.fixture
def mail_site(settings):
    """The site as the mail tests see it: a public address, a name, week-long links, and
    post authors not told of replies unless a test says so."""
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
def morgan(django_user_model):
    """A moderator with an email address, not signed in: they act from the emails."""
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


def send_queued_emails() -> list:
    """Run the emails waiting in the database task queue, as the worker would; what they sent."""
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("enqueued_at"):
        send_email.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
    return list(mail.outbox)


def press(client, link_path: str, *, with_csrf_token: bool = True):
    """Press the button of the confirmation `link_path` opens, as a browser that checks CSRF."""
    token = link_path.rstrip("/").rsplit("/", 1)[-1]
    client.handler.enforce_csrf_checks = True
    data = {"token": token}
    if with_csrf_token:
        client.get(reverse("admin:index"), follow=True)  # a form there: the CSRF cookie
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(reverse("comments:moderate"), data)


def link_in(message, label):
    """The path of a link in a text email, as the moderator's browser would request it."""
    url = re.search(rf"^{label}: (\S+)$", message.body, re.MULTILINE).group(1)
    assert url.startswith(SITE_URL)
    return urlsplit(url).path
