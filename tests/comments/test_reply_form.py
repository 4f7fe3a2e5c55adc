"""Posting a reply through the public form: saved, shown to its author, refused from other sites."""

import pytest
from django.urls import reverse

from comments.forms import CommentForm
from comments.models import Comment
from comments.pending import PENDING_COOKIE
from comments.policy import ReplyPolicy
from news.models import Post
from tests.comments.conftest import form_data, reply_url
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


def test_post_page_has_the_reply_form_with_its_labels(client):
    html = client.get(make_post().get_absolute_url()).content.decode()

    assert "Leave a Reply" in html
    for label in ("Name", "Email", "Website", "Comment"):
        assert f">{label}" in html
    assert ">Post Comment</button>" in html
    assert "csrfmiddlewaretoken" not in html  # the page must stay the same for everyone


def test_valid_reply_is_saved_pending_and_shown_only_to_its_author(client):
    post = make_post()

    response = client.post(reply_url(post), form_data(website="https://example.org"))

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.ip_address == "127.0.0.1"
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"

    own_view = client.get(post.get_absolute_url())
    assert "Your comment is awaiting moderation." in own_view.content.decode()
    assert "They help our team." in own_view.content.decode()
    assert "private" in own_view["Cache-Control"]

    stranger = client.__class__()
    assert "Thank you for sharing" not in stranger.get(post.get_absolute_url()).content.decode()


def test_reload_after_posting_does_not_post_again(client):
    post = make_post()
    response = client.post(reply_url(post), form_data(), follow=True)
    assert response.redirect_chain[-1][1] == 302
    client.get(post.get_absolute_url())
    assert Comment.objects.count() == 1


def test_invalid_reply_keeps_what_was_typed_and_explains_each_error(client):
    post = make_post()

    response = client.post(
        reply_url(post), form_data(name="", email="not-an-email", text="My words")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert not Comment.objects.exists()
    assert "My words</textarea>" in html
    assert 'value="not-an-email"' in html
    assert '<p class="error" id="id_name_error">Please enter your name.</p>' in html
    assert "Please enter a valid email address" in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_email"' in html  # the summary links to the field


def test_email_is_never_shown_publicly(client):
    post = make_post()
    make_comment(post, email="private.person@example.org", name="Private Person")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Private Person" in html
    assert "private.person@example.org" not in html


def test_only_approved_replies_appear_to_the_public(client):
    post = make_post()
    make_comment(post, text="Approved words")
    make_comment(post, text="Pending words", status=Comment.Status.PENDING)
    make_comment(post, text="Spam words", status=Comment.Status.SPAM)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Approved words" in html
    assert "Pending words" not in html and "Spam words" not in html
    assert "1 reply to" in html


def test_replies_are_escaped(client):
    post = make_post()
    make_comment(
        post,
        name="<script>alert('name')</script>",
        website='https://example.org/"onmouseover="alert(1)',
        text="<img src=x onerror=alert(1)>",
    )

    html = client.get(post.get_absolute_url()).content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '"onmouseover="' not in html
    assert 'rel="nofollow ugc noopener"' in html


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ],
)
def test_replies_from_other_sites_are_refused(client, headers):
    post = make_post()
    response = client.post(reply_url(post), form_data(), headers=headers)
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Origin": "http://testserver"},
        {},  # not a browser: no ambient cookies to abuse
    ],
)
def test_replies_from_this_site_are_accepted(client, headers):
    response = client.post(reply_url(make_post()), form_data(), headers=headers)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_cannot_reply_to_a_draft(client):
    post = make_post(status=Post.Status.DRAFT)
    assert client.post(reply_url(post), form_data()).status_code == 404
    assert not Comment.objects.exists()


def test_get_on_the_reply_address_is_not_allowed(client):
    assert client.get(reply_url(make_post())).status_code == 405


def test_a_forged_pending_cookie_shows_nothing(client):
    post = make_post()
    pending = make_comment(post, status=Comment.Status.PENDING, text="Someone else's words")
    client.cookies[PENDING_COOKIE] = str(pending.pk)
    assert "Someone else's words" not in client.get(post.get_absolute_url()).content.decode()


def test_pending_cookie_only_reveals_the_authors_own_replies(client):
    post = make_post()
    other = make_comment(post, status=Comment.Status.PENDING, text="Another visitor's words")
    client.post(reply_url(post), form_data())

    html = client.get(post.get_absolute_url()).content.decode()

    assert "They help our team." in html
    assert other.text not in html


def test_once_approved_the_author_sees_it_without_the_notice(client):
    post = make_post()
    client.post(reply_url(post), form_data())
    Comment.objects.update(status=Comment.Status.APPROVED)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "They help our team." in html
    assert "awaiting moderation" not in html


def test_only_published_replies_make_pages_fresh_again(client):
    """A reply waiting for moderation changes nothing strangers see, so it must not move
    Last-Modified either: that would tell anyone watching that a hidden reply arrived."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from comments.services import moderate

    post = make_post()
    url = post.get_absolute_url()
    stranger = client.__class__()
    last_modified = stranger.get(url)["Last-Modified"]

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        client.post(reply_url(post), form_data())
        moderate(Comment.objects.all(), status=Comment.Status.SPAM, by=None)
        moderate(Comment.objects.all(), status=Comment.Status.PENDING, by=None)
        unchanged = stranger.get(url, headers={"If-Modified-Since": last_modified})
        assert unchanged.status_code == 304
        assert stranger.get(reverse("news:home"))["Last-Modified"] == last_modified

    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        moderate(Comment.objects.all(), status=Comment.Status.APPROVED, by=None)
        response = stranger.get(url, headers={"If-Modified-Since": last_modified})
        assert response.status_code == 200 and "They help our team." in response.content.decode()
        last_modified = response["Last-Modified"]

    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        Comment.objects.get().delete()  # erased on request
        response = stranger.get(url, headers={"If-Modified-Since": last_modified})
        assert (
            response.status_code == 200 and "They help our team." not in response.content.decode()
        )


def test_the_page_with_reply_errors_is_the_post_page_in_full(client):
    older = make_post(title="Older neighbour", days_ago=3)
    post = make_post(title="Discussed", days_ago=2)
    post.tags.add("Recovery")

    html = client.post(reply_url(post), form_data(name="")).content.decode()

    assert f'href="{older.get_absolute_url()}" rel="prev"' in html
    assert 'type="application/ld+json"' in html and 'rel="tag">Recovery</a>' in html


def test_forms_sharing_their_fields_keep_nothing_of_one_another(django_user_model):
    """Each form takes the same field objects (comments.forms._SharedFields): a reply shown
    again with its errors, or staff's shorter form, must leave the next visitor's form whole."""
    post = make_post()
    policy = ReplyPolicy.current()

    def shown(form) -> str:
        return "".join(str(field) for field in form)

    blank = shown(CommentForm(post=post, policy=policy))
    refused = CommentForm({"email": "not an address", "website": "x"}, post=post, policy=policy)
    assert not refused.is_valid()
    assert 'aria-invalid="true"' in shown(refused)
    staff = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    assert "email" not in CommentForm(post=post, policy=policy, user=staff).fields

    again = shown(CommentForm(post=post, policy=policy))

    assert again == blank
    assert 'aria-invalid="true"' not in again and 'name="email"' in again
