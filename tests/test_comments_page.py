"""What visitors see of a discussion: threads, pages, counts, rendering and their own details."""

import re

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.pending import AUTHOR_COOKIE
from comments.services import submit_comment
from tests.factories import make_comment, make_post
from tests.test_comments import reply, reply_url

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<a href='javascript:alert(1)'>click</a>",
]


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


def children_of(html, comment) -> str:
    """The HTML of the replies nested under `comment`."""
    start = html.index(f'id="comment-{comment.pk}"')
    nested = html.index('<ol class="children">', start)
    return html[nested : html.index("</ol>", nested)]


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
    assert "Replying to <strong" in html and "Alex Morgan</strong>" in html
    assert "Cancel reply" in html


def test_replying_to_a_reply_nests_it(client):
    post = make_post()
    parent = make_comment(post)
    response = client.post(reply_url(post), reply(parent=parent.pk))
    comment = Comment.objects.latest("pk")
    assert comment.parent == parent and comment.depth == 1
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert "They help our team." in children_of(page(client, post.get_absolute_url()), parent)


def test_a_reply_too_deep_is_refused_with_a_way_forward(client, settings):
    settings.COMMENTS_THREAD_DEPTH = 2
    post = make_post()
    deepest = answer(make_comment(post))
    response = client.post(reply_url(post), reply(parent=deepest.pk))
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
    response = client.post(reply_url(post), reply(parent=target.pk))
    assert "no longer shown" in response.content.decode()
    assert not Comment.objects.filter(text__contains="They help").exists()


@pytest.mark.parametrize("value", ["abc", "1.5", "\x00", "9" * 40, "-3", "١٢"])
def test_a_damaged_parent_value_is_dropped_so_a_resend_works(client, value):
    post = make_post()
    response = client.post(reply_url(post), reply(parent=value))
    html = response.content.decode()
    assert "no longer shown" in html
    assert 'name="parent" value=""' in html or 'name="parent" id' in html
    assert not Comment.objects.exists()


def test_no_one_can_answer_their_own_reply_while_it_waits(client):
    post = make_post()
    client.post(reply_url(post), reply())
    waiting = Comment.objects.get()
    response = client.post(reply_url(post), reply(parent=waiting.pk, text="Adding to it"))
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
    html = client.post(reply_url(post), reply(name="")).content.decode()
    assert f'href="{post.get_absolute_url()}?replytocom={parent.pk}#respond"' in html
    assert f'href="{post.get_absolute_url()}?cpage=2#comments"' in html


def test_a_line_break_counts_as_one_character_as_the_browser_counts_it(client):
    text = ("x" * 99 + "\r\n") * 50  # 5,000 as the browser counts, 5,050 as sent
    response = client.post(reply_url(make_post()), reply(text=text.strip()))
    assert response.status_code == 302
    assert "\r" not in Comment.objects.get().text


@pytest.mark.parametrize("name", ["\u200b", "  \u200b ", "..."])
def test_a_name_with_nothing_readable_is_refused(client, name):
    response = client.post(reply_url(make_post()), reply(name=name))
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
    response = client.post(reply_url(make_post()), reply(**{field: "bad\x00value"}))
    html = response.content.decode()
    summary = html.split('class="error-summary"', 1)[1].split("</ul>", 1)[0]
    assert told in summary
    assert not Comment.objects.exists()


def test_a_damaged_honeypot_is_still_a_filled_honeypot(client):
    response = client.post(reply_url(make_post()), reply(subject="bad\x00value"))
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
    response = client.post(reply_url(post), reply())
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
    client.post(reply_url(post), reply())
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


# --- Counts ---------------------------------------------------------------------------------


def test_counts_show_approved_replies_on_the_post_and_in_listings(client):
    post = make_post(title="Discussed")
    quiet = make_post(title="Quiet")
    for _ in range(3):
        make_comment(post)
    make_comment(post, status=Comment.Status.PENDING)
    make_comment(post, status=Comment.Status.SPAM)
    make_comment(quiet, status=Comment.Status.PENDING)

    post_page = page(client, post.get_absolute_url())
    assert '<a href="#comments">3 replies</a>' in post_page
    for url in (reverse("news:home"), reverse("news:post_list")):
        html = page(client, url)
        assert f'{post.get_absolute_url()}#comments">3 replies' in html
        assert f"{quiet.get_absolute_url()}#comments" not in html


def test_one_reply_is_singular(client):
    post = make_post()
    make_comment(post)
    assert '<a href="#comments">1 reply</a>' in page(client, post.get_absolute_url())


def test_listing_queries_stay_constant_with_replies(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            page(client, reverse("news:post_list"))
        return len(captured)

    posts = [make_post() for _ in range(3)]
    make_comment(posts[0])
    few = count()
    for post in [*posts, *[make_post() for _ in range(7)]]:
        for _ in range(5):
            make_comment(post)
    assert count() == few


def test_the_post_page_runs_constant_queries_with_500_threaded_replies(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.COMMENTS_PER_PAGE = 50
    post = make_post()

    def grow(threads):
        for _ in range(threads):
            root = make_comment(post)
            middle = answer(root)
            answer(middle)
            answer(root)
            answer(middle)

    def count():
        with CaptureQueriesContext(connection) as captured:
            html = page(client, post.get_absolute_url(), cpage=2)
        return len(captured), html

    grow(2)
    few, _ = count()
    grow(98)  # 500 approved replies in all, three levels deep
    assert Comment.objects.approved().count() == 500
    many, html = count()
    assert many == few
    assert "500 replies to" in html and html.count('class="comment ') == 250


# --- Rendering ------------------------------------------------------------------------------


def test_text_keeps_line_breaks_and_links_addresses_safely(client):
    post = make_post()
    make_comment(post, text="First line\nsecond line\n\nNew paragraph with https://example.org/x")
    html = page(client, post.get_absolute_url())
    assert "<p>First line<br>second line</p>" in html
    assert '<a rel="nofollow ugc noopener" href="https://example.org/x">' in html


def test_the_website_goes_on_the_name_with_the_same_rel(client):
    post = make_post()
    make_comment(post, name="Robin", website="https://robin.example")
    html = page(client, post.get_absolute_url())
    assert '<a href="https://robin.example" rel="nofollow ugc noopener">Robin</a>' in html


def test_avatars_are_initials_made_here(client):
    post = make_post()
    make_comment(post, name="sam carter")
    make_comment(post, name="Ren")
    html = page(client, post.get_absolute_url())
    assert re.search(r'<span class="avatar tone-\d" aria-hidden="true">SC</span>', html)
    assert re.search(r'<span class="avatar tone-\d" aria-hidden="true">R</span>', html)
    assert "gravatar" not in html


@pytest.mark.parametrize("payload", XSS)
def test_every_field_is_escaped_on_the_page(client, payload):
    post = make_post()
    make_comment(post, name=payload, text=payload, website=f"https://example.org/{payload}")
    html = page(client, post.get_absolute_url())
    comments_part = html[html.index('id="comments"') :]
    assert "<script>alert" not in comments_part
    assert "<img src=x" not in comments_part
    assert "href='javascript" not in comments_part and 'href="javascript' not in comments_part


@pytest.mark.parametrize("payload", XSS)
def test_what_was_typed_is_escaped_when_the_form_comes_back(client, payload):
    post = make_post()
    response = client.post(
        reply_url(post), reply(name=payload, email="bad", website=payload, text=payload)
    )
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "ftp://example.org", "data:text/html,hi", "example"],
)
def test_only_http_websites_are_accepted(client, website):
    response = client.post(reply_url(make_post()), reply(website=website))
    assert "Please enter a full web address starting with http:// or https://" in (
        response.content.decode()
    )
    assert not Comment.objects.exists()


def test_limits_on_name_and_comment_length(client):
    response = client.post(reply_url(make_post()), reply(name="N" * 101, text="x" * 5001))
    html = response.content.decode()
    assert "Please shorten your name to 100 characters or fewer." in html
    assert "Please shorten your comment to 5,000 characters or fewer (it has 5001)." in html
    assert not Comment.objects.exists()
    assert "N" * 101 in html  # what was typed is still there to shorten


def test_the_error_summary_links_to_each_field(client):
    html = client.post(reply_url(make_post()), reply(name="", text="")).content.decode()
    summary = html[
        html.index('class="error-summary"') : html.index("</ul>", html.index("error-summary"))
    ]
    assert 'href="#id_name"' in summary and 'href="#id_text"' in summary
    assert 'role="alert"' in html


# --- The visitor's own details --------------------------------------------------------------


def test_the_form_offers_unticked_boxes_and_the_privacy_notice(client):
    html = page(client, make_post().get_absolute_url())
    assert "Save my name, email, and website in this browser for the next time I comment." in html
    assert "Email me when my comment is published" in html
    assert 'type="checkbox" name="remember"' in html and "checked" not in html
    assert f'href="{reverse("privacy")}#replies"' in html


def test_details_are_remembered_only_when_asked(client):
    post = make_post()
    response = client.post(reply_url(post), reply(website="https://sam.example"))
    assert AUTHOR_COOKIE not in response.cookies
    fresh = client.__class__()
    response = fresh.post(
        reply_url(post), reply(remember="on", text="Second"), REMOTE_ADDR="192.0.2.5"
    )
    assert AUTHOR_COOKIE in response.cookies
    assert response.cookies[AUTHOR_COOKIE]["httponly"]

    html = page(fresh, make_post().get_absolute_url())
    assert 'value="Sam Carter"' in html and 'value="sam@example.org"' in html
    assert re.search(r'type="checkbox" name="remember"[^>]*checked', html)


def test_unticking_the_box_forgets_saved_details(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = make_post()
    client.post(reply_url(post), reply(remember="on"))
    response = client.post(reply_url(post), reply(text="Without remembering"))
    assert response.cookies[AUTHOR_COOKIE].value == ""  # deleted
    assert 'value="Sam Carter"' not in page(client.__class__(), post.get_absolute_url())


def test_asking_for_an_email_on_publication_is_recorded(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = make_post()
    client.post(reply_url(post), reply(notify="on"))
    client.post(reply_url(post), reply(text="No email please"))
    assert list(Comment.objects.order_by("pk").values_list("notify_on_approval", flat=True)) == [
        True,
        False,
    ]


def test_the_privacy_notice_says_what_is_kept_and_for_how_long(client, settings):
    settings.COMMENTS_ERASE_IP_DAYS = 45
    settings.PRIVACY_CONTACT_EMAIL = "privacy@imroc.example"
    html = page(client, reverse("privacy"))
    assert "IP address" in html and "erased after 45 days" in html
    assert "deleted after 30 days" in html
    assert 'href="mailto:privacy@imroc.example"' in html


# --- Nothing unapproved leaks ---------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "spam", "trash"])
def test_unapproved_replies_never_leak(client, status):
    post = make_post(title="Leaky")
    make_comment(post, status=status, text="Secretword unapproved words", name="Hidden Name")
    urls = [
        post.get_absolute_url(),
        reverse("news:home"),
        reverse("news:post_list"),
        reverse("news:rss"),
        reverse("news:atom"),
        reverse("sitemap"),
        reverse("news:search") + "?q=Secretword",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert "unapproved words" not in body and "Hidden Name" not in body, url
        assert "1 repl" not in body, url
