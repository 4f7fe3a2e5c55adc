"""What visitors see of a discussion: counts, the words rendered safely, and nothing unapproved."""

import re

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.comments.conftest import answer, form_data, page, reply_url
from tests.factories import make_comment, make_post

XSS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<a href='javascript:alert(1)'>click</a>",
]

pytestmark = pytest.mark.django_db


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
    assert (
        '<a href="https://robin.example" rel="nofollow ugc noopener"><bdi>Robin</bdi></a>' in html
    )


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
        reply_url(post), form_data(name=payload, email="bad", website=payload, text=payload)
    )
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "ftp://example.org", "data:text/html,hi", "example"],
)
def test_only_http_websites_are_accepted(client, website):
    response = client.post(reply_url(make_post()), form_data(website=website))
    # Said once in the summary and once beside the field, however many checks it fails.
    html = response.content.decode()
    assert html.count("Please enter a full web address starting with http:// or https://") == 2
    assert not Comment.objects.exists()


def test_limits_on_name_and_comment_length(client):
    response = client.post(reply_url(make_post()), form_data(name="N" * 101, text="x" * 5001))
    html = response.content.decode()
    assert "Please shorten your name to 100 characters or fewer." in html
    assert "Please shorten your comment to 5,000 characters or fewer (it has 5001)." in html
    assert not Comment.objects.exists()
    assert "N" * 101 in html  # what was typed is still there to shorten


def test_the_error_summary_links_to_each_field(client):
    html = client.post(reply_url(make_post()), form_data(name="", text="")).content.decode()
    summary = html[
        html.index('class="error-summary"') : html.index("</ul>", html.index("error-summary"))
    ]
    assert 'href="#id_name"' in summary and 'href="#id_text"' in summary
    assert 'role="alert"' in html


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
