"""Moderating from an email's links: signed, single-use, for one moderator, acting only on
the button."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from comments.models import Comment
from tests.comments.conftest import approve, link_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_site")]


# --- Moderating from the email's links ------------------------------------------------------


def test_following_a_link_only_asks_for_confirmation(client, reply, morgan):
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


def test_pressing_the_button_moderates_as_that_moderator_and_only_once(client, reply, morgan):
    comment = reply()
    approve_path = link_in(mail.outbox[0], "Approve")
    spam_path = link_in(mail.outbox[0], "Mark as spam")

    response = client.post(spam_path)

    assert response.status_code == 200
    assert "Marked as spam" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert comment.moderated_by == morgan
    assert comment.reason == "Marked as spam from email by morgan"

    # Once the reply is decided, every link about it is dead, the one used included.
    for path in (spam_path, approve_path):
        again = client.post(path)
        assert again.status_code == 410
        assert "already been moderated" in again.content.decode()
        assert "/admin/comments/comment/?status__exact=pending" in again.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_approve_link_publishes_the_reply(client, reply, morgan):
    comment = reply()

    response = client.post(link_in(mail.outbox[0], "Approve"))

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.reason == "Approved from email by morgan"
    assert comment.get_absolute_url() in response.content.decode()


def test_a_decision_in_the_admin_kills_the_emailed_links(
    client, reply, morgan, django_capture_on_commit_callbacks
):
    comment = reply()
    trash_path = link_in(mail.outbox[0], "Move to trash")
    approve(comment, morgan, django_capture_on_commit_callbacks)

    assert client.post(trash_path).status_code == 410
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_an_expired_link_is_refused(client, reply, morgan):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        response = client.post(path)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_tampered_link_is_refused(client, reply, morgan):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")
    token = path.split("/")[-2]
    tampered = path.replace(token, token[:-3] + ("aaa" if token[-3:] != "aaa" else "bbb"))

    response = client.post(tampered)

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_link_for_someone_no_longer_a_moderator_is_refused(client, reply, morgan):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")
    morgan.groups.remove(Group.objects.get(name="Moderators"))

    response = client.post(path)

    assert response.status_code == 410
    assert "can no longer moderate" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_link_for_a_deactivated_moderator_is_refused(client, reply, morgan):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")
    morgan.is_active = False
    morgan.save()

    assert client.post(path).status_code == 410
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_post_from_another_site_is_refused(client, reply, morgan):
    comment = reply()

    response = client.post(
        link_in(mail.outbox[0], "Approve"), headers={"Sec-Fetch-Site": "cross-site"}
    )

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.is_pending
