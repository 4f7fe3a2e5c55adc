"""What sending a reply costs the request: a fixed number of queries whatever the discussion's
length or the number of moderators, with the moderators' emails left to the task worker."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from comments.tasks import TO_EACH_MODERATOR
from tests.comments.conftest import form_data, moderator_with, reply_url, send_queued_emails
from tests.factories import make_comment, make_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_site")]


def send(client, post, number):
    data = form_data(name=f"Visitor {number}", email=f"v{number}@example.org")
    data["text"] = f"Reply number {number}."
    return client.post(reply_url(post), data, REMOTE_ADDR=f"203.0.113.{number}")


def queries_of_a_reply(client, post, number, on_commit) -> int:
    """Its queries, with what runs once the reply is committed (queueing its emails)."""
    with CaptureQueriesContext(connection) as queries, on_commit(execute=True):
        response = send(client, post, number)
    assert response.status_code == 302
    return len(queries)


def test_a_held_reply_queues_one_task_and_the_worker_tells_each_moderator(
    settings, django_user_model, client, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    moderators = [moderator_with(django_user_model, name) for name in ("morgan", "alex", "kit")]
    post = make_post()

    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, post, 1).status_code == 302

    (queued,) = DBTaskResult.objects.all()
    assert queued.args_kwargs["kwargs"]["kind"] == TO_EACH_MODERATOR
    assert mail.outbox == []  # the request wrote no email
    sent = send_queued_emails()
    assert sorted(m.to[0] for m in sent) == sorted(m.email for m in moderators)
    assert all("Reply number 1." in m.body for m in sent)


def test_the_queries_of_a_reply_do_not_grow_with_the_discussion_or_the_moderators(
    settings, django_user_model, client, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    moderator_with(django_user_model, "morgan")
    post = make_post()
    first = queries_of_a_reply(client, post, 1, django_capture_on_commit_callbacks)

    for n in range(30):
        make_comment(post, text=f"Earlier {n}")
    for name in ("alex", "kit", "sam"):
        moderator_with(django_user_model, name)
    send_queued_emails()  # reply 1 announced, so reply 2 queues an announcement of its own
    client.cookies.clear()

    assert queries_of_a_reply(client, post, 2, django_capture_on_commit_callbacks) == first
    assert Comment.objects.filter(post=post).count() == 32


def test_a_reply_reads_its_post_once(client, django_capture_on_commit_callbacks):
    """The post is read with only the columns taking a reply needs; a check or a signal that
    reached for another (a deferred field) would read the post again."""
    post = make_post()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
        assert send(client, post, 1).status_code == 302
    reads = [q["sql"] for q in queries if 'FROM "news_post"' in q["sql"]]
    assert len(reads) == 1
    assert '"news_post"."body"' not in reads[0]


def test_a_visitors_reply_writes_only_the_indexes_it_is_found_by():
    """Every index is written on every reply sent. The post's own foreign-key index is gone
    (the indexes that begin with the post serve it), and the parent's and the accounts' hold
    only replies where they are set; the admin queue's index made by SQL (0007) is kept."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "comments_comment")
    indexes = {name for name, about in found.items() if about["index"] and not about["primary_key"]}

    assert indexes == {
        "comment_thread_idx",
        "comment_queue_idx",
        "comment_flood_idx",
        "comment_email_idx",
        "comment_conversation_idx",
        "comment_visible_conv_idx",
        "comment_untold_idx",
        "comment_pending_first_idx",
        "comment_parent_idx",
        "comment_user_idx",
        "comment_moderated_by_idx",
    }
