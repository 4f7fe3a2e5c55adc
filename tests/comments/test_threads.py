"""Replies as conversations: nested under what they answer, how deep they go, and the pages
of a long discussion."""

import re

import pytest
from django.db import connection

from comments import threads
from comments.models import Comment
from comments.threads import page_number_of
from tests.comments.conftest import answer, form_data, page, reply_url
from tests.factories import make_comment, make_post


def children_of(html, comment) -> str:
    """The HTML of the replies nested under `comment`."""
    start = html.index(f'id="comment-{comment.pk}"')
    nested = html.index('<ol class="children">', start)
    return html[nested : html.index("</ol>", nested)]


pytestmark = pytest.mark.django_db


# --- Threads --------------------------------------------------------------------------------


def test_replies_to_replies_are_nested_under_what_they_answer(client):
    post = make_post()
    first = make_comment(post, text="First thought")
    second = answer(first, text="An answer")
    answer(second, text="An answer to the answer")
    make_comment(post, text="A separate thought")

    html = page(client, post.get_absolute_url())

    assert "An answer" in children_of(html, first)
    assert "An answer to the answer" in children_of(html, second)
    assert "A separate thought" not in children_of(html, first)
    assert "4 replies to" in html


def test_reply_links_stop_at_the_thread_depth(client, settings):
    settings.COMMENTS_THREAD_DEPTH = 3
    post = make_post()
    level0 = make_comment(post)
    level1 = answer(level0)
    level2 = answer(level1)

    html = page(client, post.get_absolute_url())

    for comment in (level0, level1):
        assert f"?replytocom={comment.pk}#respond" in html
    assert f"?replytocom={level2.pk}#respond" not in html


def test_the_reply_link_works_without_javascript(client):
    post = make_post()
    parent = make_comment(post, name="Alex Morgan")

    html = page(client, post.get_absolute_url(), replytocom=parent.pk)

    assert re.search(rf'name="parent" value="{parent.pk}"', html)
    assert "Replying to <strong" in html and "Alex Morgan</bdi></strong>" in html
    assert "Cancel reply" in html


def test_replying_to_a_reply_nests_it(client):
    post = make_post()
    parent = make_comment(post)
    response = client.post(reply_url(post), form_data(parent=parent.pk))
    comment = Comment.objects.latest("pk")
    assert comment.parent == parent and comment.depth == 1
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert "They help our team." in children_of(page(client, post.get_absolute_url()), parent)


def test_a_reply_too_deep_is_refused_with_a_way_forward(client, settings):
    settings.COMMENTS_THREAD_DEPTH = 2
    post = make_post()
    deepest = answer(make_comment(post))
    response = client.post(reply_url(post), form_data(parent=deepest.pk))
    html = response.content.decode()
    assert "This conversation cannot go any deeper." in html
    assert not Comment.objects.filter(text__contains="They help").exists()
    assert 'name="parent" value=""' in html or 'name="parent" ' in html  # resend is top-level
    assert "They help our team.</textarea>" in html


@pytest.mark.parametrize("kind", ["other post", "pending", "spam", "missing"])
def test_a_reply_to_a_hidden_comment_is_refused(client, kind):
    post = make_post()
    target = {
        "other post": lambda: make_comment(make_post()),
        "pending": lambda: make_comment(post, status=Comment.Status.PENDING),
        "spam": lambda: make_comment(post, status=Comment.Status.SPAM),
        "missing": lambda: type("Gone", (), {"pk": 999999})(),
    }[kind]()
    response = client.post(reply_url(post), form_data(parent=target.pk))
    assert "no longer shown" in response.content.decode()
    assert not Comment.objects.filter(text__contains="They help").exists()


@pytest.mark.parametrize("value", ["abc", "1.5", "\x00", "9" * 40, "-3", "١٢"])
def test_a_damaged_parent_value_is_dropped_so_a_resend_works(client, value):
    post = make_post()
    response = client.post(reply_url(post), form_data(parent=value))
    html = response.content.decode()
    assert "no longer shown" in html
    assert 'name="parent" value=""' in html or 'name="parent" id' in html
    assert not Comment.objects.exists()


def test_no_one_can_answer_their_own_reply_while_it_waits(client):
    post = make_post()
    client.post(reply_url(post), form_data())
    waiting = Comment.objects.get()
    response = client.post(reply_url(post), form_data(parent=waiting.pk, text="Adding to it"))
    assert "no longer shown" in response.content.decode()
    assert Comment.objects.count() == 1


def test_answers_to_a_removed_reply_stay_in_their_thread(client):
    post = make_post()
    root = make_comment(post, text="Root words")
    middle = answer(root, text="Middle words")
    answer(middle, text="Deep words")
    Comment.objects.filter(pk=middle.pk).update(status=Comment.Status.TRASH)

    html = page(client, post.get_absolute_url())

    assert "Middle words" not in html
    assert "Deep words" in children_of(html, root)


def test_answers_to_a_removed_first_reply_still_show(client, settings):
    settings.COMMENTS_PER_PAGE = 1
    post = make_post()
    root = make_comment(post, text="Root words")
    answer(root, text="Answer words")
    make_comment(post, text="Later conversation")
    Comment.objects.filter(pk=root.pk).update(status=Comment.Status.SPAM)

    html = page(client, post.get_absolute_url())

    assert "Root words" not in html and "Answer words" in html
    assert "Later conversation" in page(client, post.get_absolute_url(), cpage=2)


def test_no_reply_link_where_the_form_would_refuse_one(client, settings):
    settings.COMMENTS_THREAD_DEPTH = 3
    post = make_post()
    first = make_comment(post)
    second = answer(first)
    third = answer(second, text="Deepest words")
    Comment.objects.filter(pk=first.pk).update(status=Comment.Status.TRASH)

    html = page(client, post.get_absolute_url())

    assert "Deepest words" in html  # shown one level up, under its parent
    assert f"?replytocom={third.pk}#respond" not in html  # but written at the deepest level


def test_links_on_the_page_after_an_error_lead_back_to_the_post(client, settings):
    settings.COMMENTS_PER_PAGE = 1
    post = make_post()
    parent = make_comment(post)
    make_comment(post)
    html = client.post(reply_url(post), form_data(name="")).content.decode()
    assert f'href="{post.get_absolute_url()}?replytocom={parent.pk}#respond"' in html
    assert f'href="{post.get_absolute_url()}?cpage=2#comments"' in html


def test_a_line_break_counts_as_one_character_as_the_browser_counts_it(client):
    text = ("x" * 99 + "\r\n") * 50  # 5,000 as the browser counts, 5,050 as sent
    response = client.post(reply_url(make_post()), form_data(text=text.strip()))
    assert response.status_code == 302
    assert "\r" not in Comment.objects.get().text


@pytest.mark.parametrize("name", ["\u200b", "  \u200b ", "..."])
def test_a_name_with_nothing_readable_is_refused(client, name):
    response = client.post(reply_url(make_post()), form_data(name=name))
    assert "Please enter your name." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "field, told",
    [
        ("issued", "We could not tell when this form was opened."),
        ("parent", "The comment you were answering is no longer shown."),
    ],
)
def test_a_damaged_hidden_field_says_so(client, field, told):
    response = client.post(reply_url(make_post()), form_data(**{field: "bad\x00value"}))
    html = response.content.decode()
    summary = html.split('class="error-summary"', 1)[1].split("</ul>", 1)[0]
    assert told in summary
    assert not Comment.objects.exists()


def test_a_damaged_honeypot_is_still_a_filled_honeypot(client):
    response = client.post(reply_url(make_post()), form_data(subject="bad\x00value"))
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM


# --- Pages of a long discussion -------------------------------------------------------------


def test_long_discussions_are_paginated_with_answers_kept_together(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    post = make_post()
    roots = [make_comment(post, text=f"Thread {n}") for n in range(5)]
    answer(roots[0], text="Answer on page one")

    first = page(client, post.get_absolute_url())
    third = page(client, post.get_absolute_url(), cpage=3)

    assert "Thread 0" in first and "Thread 1" in first and "Thread 2" not in first
    assert "Answer on page one" in first
    assert "Thread 4" in third and "Thread 0" not in third
    assert 'aria-label="Pages of replies"' in first and "?cpage=2#comments" in first
    assert "6 replies to" in third  # the count is of the whole discussion
    for nonsense in ("0", "99", "abc", "-1", "9" * 25):
        client.get(post.get_absolute_url(), {"cpage": nonsense})  # never an error
    assert page(client, post.get_absolute_url(), cpage="abc")


def test_after_posting_the_author_lands_on_the_page_with_their_reply(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    post = make_post()
    for n in range(4):
        make_comment(post, text=f"Thread {n}")
    response = client.post(reply_url(post), form_data())
    comment = Comment.objects.latest("pk")
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{comment.pk}"
    assert "They help our team." in page(client, post.get_absolute_url(), cpage=3)


def test_a_replys_lasting_address_opens_the_page_it_is_on(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    post = make_post()
    threads = [make_comment(post, text=f"Thread {n}") for n in range(5)]
    late_answer = answer(threads[4], text="Late answer")

    response = client.get(late_answer.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{late_answer.pk}"
    first = client.get(threads[0].get_absolute_url())["Location"]
    assert first == f"{post.get_absolute_url()}#comment-{threads[0].pk}"


@pytest.mark.parametrize("hidden", ["pending", "spam", "trash", "on a draft"])
def test_a_hidden_replys_address_is_not_found(client, hidden):
    from news.models import Post

    if hidden == "on a draft":
        comment = make_comment(make_post(status=Post.Status.DRAFT))
    else:
        comment = make_comment(make_post(), status=hidden)
    assert client.get(comment.get_absolute_url()).status_code == 404


def test_the_author_can_follow_their_waiting_replys_address(client):
    post = make_post()
    client.post(reply_url(post), form_data())
    waiting = Comment.objects.get()
    assert client.get(waiting.get_absolute_url())["Location"].endswith(f"#comment-{waiting.pk}")
    assert client.__class__().get(waiting.get_absolute_url()).status_code == 404


def test_a_reply_link_on_a_later_page_opens_that_page(client, settings):
    settings.COMMENTS_PER_PAGE = 1
    post = make_post()
    make_comment(post, text="Thread 0")
    later = make_comment(post, text="Thread 1")
    html = page(client, post.get_absolute_url(), replytocom=later.pk)
    assert "Thread 1" in html and "Thread 0" not in html


def test_the_conversations_a_visitor_sees_are_counted_along_their_index():
    """A reply's page number (asked after every reply sent) and a discussion's pages count the
    conversations the visitor sees: the approved ones by their index's range, the visitor's own
    by id, never by reading every reply of the post (held spam can pile up on one post)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan is read here; PostgreSQL's planner weighs its own")
    post = make_post()
    approved = make_comment(post, text="Approved")
    own = make_comment(post, text="Mine, held", status=Comment.Status.PENDING)
    Comment.objects.bulk_create(
        Comment(post=post, name="Robot", email="r@example.org", text=f"Held {n}", status="pending")
        for n in range(200)
    )
    assert page_number_of(own, [own.pk]) == 1
    # The statement for a post, a conversation and one own reply: three numbers as keys.
    statement = threads._CONVERSATIONS_BEFORE._statements[("default", "sqlite", ("number",) * 3)]
    shown = Comment.objects.visible_to().filter(post=post).conversations()
    for sql, params in [
        (statement.sql, list(statement.params)),
        shown.query.sql_with_params(),
    ]:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "comment_visible_conv_idx (post_id=? AND status=?" in plan, plan
    assert list(shown) == [approved.pk]
