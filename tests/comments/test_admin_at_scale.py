"""The admin's long lists stay cheap however many rows there are: what each reads is bounded
(the queue's order along its index, counts capped, the post filter's posts, a paper's posts)."""

import pytest
from django.db import connection
from django.urls import reverse

from comments.admin import queue
from comments.models import Comment
from documents import admin as documents_admin
from tests.comments.conftest import QUEUE, listed
from tests.factories import attach, make_comment, make_document, make_post

pytestmark = pytest.mark.django_db


def test_the_queue_is_read_in_order_along_its_index(client, moderator):
    """The pending-first order is the very expression the index of comments 0007 holds, so the
    database reads a page from the index's start instead of sorting every reply."""
    post = make_post()
    make_comment(post, text="Old approved")
    make_comment(post, text="Waiting", status=Comment.Status.PENDING)

    response = client.get(reverse(QUEUE))
    assert [c.text for c in listed(response)] == ["Waiting", "Old approved"]

    queryset = response.context["cl"].queryset
    sql, params = queryset.query.sql_with_params()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "comment_pending_first_idx" in plan
        assert "TEMP B-TREE" not in plan
    else:
        with connection.cursor() as cursor:
            # With few rows the planner may rather sort; forbid that to see the index is usable.
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert "comment_pending_first_idx" in plan


def test_counts_per_status_stop_at_the_cap(client, moderator, monkeypatch):
    monkeypatch.setattr(queue, "STATUS_COUNT_CAP", 2)
    post = make_post()
    for _ in range(3):
        make_comment(post, status=Comment.Status.PENDING)
    make_comment(post, status=Comment.Status.SPAM)

    html = client.get(reverse(QUEUE)).content.decode()

    assert 'Pending <span class="count">(2+)</span>' in html
    assert 'Spam <span class="count">(1)</span>' in html
    assert 'All <span class="count">(2+)</span>' in html


def test_the_post_filter_lists_the_newest_replies_posts_and_the_chosen_one(
    client, moderator, monkeypatch
):
    monkeypatch.setattr(queue, "FILTER_POSTS", 1)
    older = make_post(title="Discussed last year")
    newer = make_post(title="Discussed today")
    make_comment(older)
    make_comment(newer)

    def choices(**params):
        response = client.get(reverse(QUEUE), params)
        spec = next(f for f in response.context["cl"].filter_specs if f.title == "post")
        return [title for _, title in spec.lookup_choices]

    assert choices() == [str(newer)]
    assert choices(post=older.pk) == [str(older), str(newer)]


def test_the_posts_list_counts_each_rows_replies(admin_client):
    quiet, busy = make_post(title="Quiet"), make_post(title="Busy")
    for _ in range(3):
        make_comment(busy)
    make_comment(busy, status=Comment.Status.PENDING)

    response = admin_client.get(reverse("admin:news_post_changelist"))

    rows = {post.title: post for post in response.context["cl"].result_list}
    assert (rows["Busy"].approved_total, rows["Busy"].pending_total) == (3, 1)
    assert (rows["Quiet"].approved_total, rows["Quiet"].pending_total) == (0, 0)
    assert quiet.pk in {post.pk for post in rows.values()}


def test_a_papers_row_names_its_first_posts_and_counts_the_rest(admin_client, monkeypatch):
    monkeypatch.setattr(documents_admin, "USED_IN_NAMED", 1)
    paper = make_document()
    for n in range(3):
        attach(make_post(title=f"Series part {n}"), paper)

    html = admin_client.get(reverse("admin:documents_document_changelist")).content.decode()

    assert "Series part 0" in html and "Series part 2" not in html
    assert "and 2 more" in html
