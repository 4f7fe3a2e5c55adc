""" "Approve and reply": a moderator publishes a held reply and answers it in one step."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.conftest import QUEUE, approve_reply_url
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


# --- Approve and reply ----------------------------------------------------------------------


def test_approve_and_reply_publishes_both(client, moderator):
    post = make_post()
    comment = make_comment(post, status="pending", name="Worried parent", text="Is it free?")

    page = client.get(approve_reply_url(comment))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Is it free?" in html and '<label for="id_text">Your reply:</label>' in html

    response = client.post(approve_reply_url(comment), {"text": "Yes, every course is free."})

    assert response.status_code == 302 and response.url == reverse(QUEUE)
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.moderated_by == moderator
    reply = Comment.objects.get(parent=comment)
    assert (reply.status, reply.user, reply.reason) == ("approved", moderator, "Written by staff")
    assert (reply.name, reply.email, reply.post) == ("Mo Derator", "mo@example.org", post)
    assert reply.text == "Yes, every course is free."
    assert reply.ancestry == str(comment.pk)
    message = client.get(response.url).content.decode()
    assert "Approved the reply from Worried parent and published yours." in message
    client.logout()
    public = client.get(post.get_absolute_url()).content.decode()
    assert "Is it free?" in public and "Yes, every course is free." in public


def test_approve_and_reply_at_the_deepest_level_answers_in_the_same_thread(
    client, moderator, settings
):
    settings.COMMENTS_THREAD_DEPTH = 2
    post = make_post()
    question = make_comment(post, text="Where are the courses?")
    follow_up = make_comment(
        post,
        parent=question,
        ancestry=str(question.pk),
        status="pending",
        text="And are they online?",
    )

    client.post(approve_reply_url(follow_up), {"text": "Yes, every course is online too."})

    follow_up.refresh_from_db()
    assert follow_up.status == "approved"
    reply = Comment.objects.get(text="Yes, every course is online too.")
    assert (reply.parent, reply.depth) == (question, 1)  # no deeper than the site allows
    client.logout()
    html = client.get(post.get_absolute_url()).content.decode()
    thread = html[html.index("Where are the courses?") :]
    assert "And are they online?" in thread and "Yes, every course is online too." in thread


def test_approve_and_reply_without_words_changes_nothing(client, moderator):
    comment = make_comment(make_post(), status="pending")

    response = client.post(approve_reply_url(comment), {"text": "  "})

    assert response.status_code == 200 and "This field is required." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending" and not comment.replies.exists()


def test_approve_and_reply_needs_the_csrf_token(moderator):
    comment = make_comment(make_post(), status="pending")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)

    assert browser.post(approve_reply_url(comment), {"text": "Forged"}).status_code == 403
    assert 'name="csrfmiddlewaretoken"' in browser.get(approve_reply_url(comment)).content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending" and not comment.replies.exists()


def test_queue_rows_link_to_approve_and_reply(client, moderator):
    pending = make_comment(make_post(), status="pending")
    approved = make_comment(make_post())
    html = client.get(reverse(QUEUE)).content.decode()
    assert f'href="{approve_reply_url(pending)}" class="reply-link">Approve and reply</a>' in html
    assert f'href="{approve_reply_url(approved)}" class="reply-link">Reply</a>' in html
