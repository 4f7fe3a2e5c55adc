"""Moderating from an email's links: signed, single-use, for one signed-in moderator, acting
only on the button, whose POST carries the token in its body with a CSRF token."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from comments.models import Comment
from tests.comments.conftest import approve, link_in, press

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_site")]


# --- Moderating from the email's links ------------------------------------------------------


def test_following_a_link_only_asks_for_confirmation(client, reply, morgan):
    comment = reply(text="<b>Bold</b> claims")
    client.force_login(morgan)

    response = client.get(link_in(mail.outbox[0], "Approve"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in html
    assert "&lt;b&gt;Bold&lt;/b&gt; claims" in html
    assert '<form method="post" action="/comments/moderate/">' in html
    assert ">Approve</button>" in html and 'name="csrfmiddlewaretoken"' in html
    comment.refresh_from_db()
    assert comment.is_pending and comment.moderated_at is None


def test_pressing_the_button_moderates_as_that_moderator_and_only_once(client, reply, morgan):
    comment = reply()
    client.force_login(morgan)
    approve_path = link_in(mail.outbox[0], "Approve")
    spam_path = link_in(mail.outbox[0], "Mark as spam")

    response = press(client, spam_path)

    assert response.status_code == 200
    assert "Marked as spam" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert comment.moderated_by == morgan
    assert comment.reason == "Marked as spam from email by morgan"

    # Once the reply is decided, every link about it is dead, the one used included.
    for path in (spam_path, approve_path):
        again = press(client, path)
        assert again.status_code == 410
        assert "already been moderated" in again.content.decode()
        assert "/admin/comments/comment/?status__exact=pending" in again.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_approve_link_publishes_the_reply(client, reply, morgan):
    comment = reply()
    client.force_login(morgan)

    response = press(client, link_in(mail.outbox[0], "Approve"))

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.reason == "Approved from email by morgan"
    assert comment.get_absolute_url() in response.content.decode()


def test_a_decision_in_the_admin_kills_the_emailed_links(
    client, reply, morgan, django_capture_on_commit_callbacks
):
    comment = reply()
    client.force_login(morgan)
    trash_path = link_in(mail.outbox[0], "Move to trash")
    approve(comment, morgan, django_capture_on_commit_callbacks)

    assert press(client, trash_path).status_code == 410
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def _after_the_link_expired(client, path, moderator):
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        # A week on, the staff session has ended (STAFF_SESSION_IDLE_SECONDS): signed in again.
        client.force_login(moderator)
        return press(client, path)


def _tampered_with(client, path, moderator):
    token = path.split("/")[-2]
    return press(
        client, path.replace(token, token[:-3] + ("aaa" if token[-3:] != "aaa" else "bbb"))
    )


def _no_longer_a_moderator(client, path, moderator):
    moderator.groups.remove(Group.objects.get(name="Moderators"))
    return press(client, path)


def _deactivated(client, path, moderator):
    moderator.is_active = False
    moderator.save()
    return press(client, path)


def _without_the_csrf_token(client, path, moderator):
    return press(client, path, with_csrf_token=False)


@pytest.mark.parametrize(
    "use_link, status, told",
    [
        (_after_the_link_expired, 410, "expired"),
        (_tampered_with, 400, "not valid"),
        (_no_longer_a_moderator, 410, "can no longer moderate"),
        (_deactivated, 302, ""),  # signed out by it: to the sign-in page
        (_without_the_csrf_token, 403, ""),
    ],
    ids=["expired", "tampered", "no-longer-a-moderator", "deactivated", "no-csrf-token"],
)
def test_a_link_that_may_no_longer_act_is_refused_and_changes_nothing(
    client, reply, morgan, use_link, status, told
):
    comment = reply()
    client.force_login(morgan)

    response = use_link(client, link_in(mail.outbox[0], "Approve"), morgan)

    assert response.status_code == status
    assert told in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_pending
