"""Parts of pages kept for every visitor (news/content_cache.py, {% fragment %}): a page drawn
from them is the page drawn whole, a change shows on the very next request, and what is one
person's own (a moderator's view, a reply awaiting moderation, remembered details, the form's
time) never reaches anyone else."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.client import sign_form_time
from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings
from comments.pending import PENDING_COOKIE
from comments.policy import ReplyPolicy
from comments.services import moderate
from comments.templatetags.comments import issued_input
from news import services
from news.models import Post
from tests.comments.conftest import form_data, reply_url
from tests.factories import attach, make_comment, make_document, make_post, make_staff

pytestmark = pytest.mark.django_db

LIST = reverse("news:post_list")
ISSUED = re.compile(r'name="issued" value="[^"]*"')


def visitor() -> Client:
    """A visitor with a cookie the site does not know: their page is drawn, not kept whole."""
    client = Client()
    client.cookies["returning"] = "1"
    return client


def html(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def discussed_post(**fields) -> Post:
    post = make_post(title="Peer support <in> practice", **fields)
    post.tags.add("recovery")
    attach(post, make_document(title="Annual report"))
    for n in range(3):
        make_comment(post, name=f"Reader {n}", text=f"Reply <b>{n}</b> https://example.org/{n}")
    return post


# --- The same page, for fewer queries -------------------------------------------------------


@pytest.mark.parametrize("kind", ["post", "list"])
def test_a_page_drawn_from_fragments_is_the_page_drawn_whole(settings, kind):
    post = discussed_post()
    url = post.get_absolute_url() if kind == "post" else LIST
    client = visitor()
    first, again = html(client, url), html(client, url)
    settings.FRAGMENT_CACHE_SECONDS = 0
    whole = html(client, url)

    # Only the form's time differs: exact, per visitor with cookies.
    assert ISSUED.sub("", again) == ISSUED.sub("", first) == ISSUED.sub("", whole)
    assert "Peer support &lt;in&gt; practice" in again and "<in>" not in again
    assert "Reply &lt;b&gt;1&lt;/b&gt;" in again or kind == "list"


def test_a_kept_post_page_asks_only_for_the_stamp_and_the_reply_rules():
    post = discussed_post()
    client = visitor()
    drawn = queries(client, post.get_absolute_url())
    kept = queries(client, post.get_absolute_url())
    assert drawn > 10
    assert kept <= 2  # the content stamp; the discussion settings (is the post still open?)


def test_a_kept_list_asks_only_for_the_stamp():
    for n in range(12):
        make_post(title=f"Numbered {n}")
    client = visitor()
    assert queries(client, LIST) > 3
    assert queries(client, LIST) == 1
    assert queries(client, f"{LIST}?page=2") > 1  # another page is drawn for itself


def test_the_forms_time_is_each_visitors_own():
    post = discussed_post()
    first = ISSUED.search(html(visitor(), post.get_absolute_url())).group()
    with time_machine.travel(timezone.now() + timedelta(seconds=7), tick=False):
        later = ISSUED.search(html(visitor(), post.get_absolute_url())).group()
    assert first != later


def test_the_kept_forms_time_is_drawn_as_the_form_draws_it():
    post = make_post()
    token = sign_form_time(1_700_000_000)
    form = CommentForm(initial={"issued": token}, post=post, policy=ReplyPolicy.current())
    assert issued_input(token) == str(form["issued"])


# --- A change shows on the next request -----------------------------------------------------


def test_an_edited_post_shows_at_once(admin_user):
    post = discussed_post()
    client = visitor()
    html(client, post.get_absolute_url()), html(client, LIST)

    post.title, post.body = "Peer support, revised", "<p>New words.</p>"
    services.save_post(post, by=admin_user)

    assert "New words." in html(client, post.get_absolute_url())
    assert "Peer support, revised" in html(client, LIST)


def test_an_approved_reply_shows_and_a_removed_one_goes(admin_user):
    post = discussed_post()
    waiting = make_comment(post, status=Comment.Status.PENDING, text="Held words")
    client = visitor()
    assert "Held words" not in html(client, post.get_absolute_url())

    moderate(Comment.objects.filter(pk=waiting.pk), status=Comment.Status.APPROVED, by=admin_user)
    assert "Held words" in html(client, post.get_absolute_url())
    assert "4 replies" in html(client, LIST)

    moderate(Comment.objects.filter(pk=waiting.pk), status=Comment.Status.SPAM, by=admin_user)
    assert "Held words" not in html(client, post.get_absolute_url())


def test_an_unpublished_post_and_its_papers_go_at_once(admin_user):
    post = discussed_post()
    client = visitor()
    assert "Annual report" in html(client, post.get_absolute_url())

    services.unpublish([post], by=admin_user)

    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Peer support" not in html(client, LIST)


def test_a_scheduled_post_appears_and_an_expiring_one_goes_without_a_save():
    soon = timezone.now() + timedelta(minutes=5)
    make_post(title="Out at noon", published_at=soon)
    leaving = make_post(title="Gone at noon", expires_at=soon)
    client = visitor()
    assert "Out at noon" not in html(client, LIST)
    assert html(client, leaving.get_absolute_url())

    with time_machine.travel(soon + timedelta(seconds=1)):
        listing = html(client, LIST)
        assert "Out at noon" in listing and "Gone at noon" not in listing
        assert client.get(leaving.get_absolute_url()).status_code == 404


def test_replies_close_by_age_without_a_save():
    DiscussionSettings.objects.filter(pk=1).update(close_after_days=10)
    # Closing in a minute: well within a fragment's lifetime, so only its key can tell.
    post = discussed_post(published_at=timezone.now() - timedelta(days=10, seconds=-60))
    client = visitor()
    page = html(client, post.get_absolute_url())
    assert "Leave a Reply" in page and "comment-reply-link" in page

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        page = html(client, post.get_absolute_url())
        assert "Replies are closed for this post." in page and "Leave a Reply" not in page
        assert "comment-reply-link" not in page  # nor a Reply link under any reply


# --- What is one person's own stays theirs --------------------------------------------------


@pytest.mark.parametrize("moderator_first", [True, False])
def test_a_moderators_view_and_a_visitors_never_mix(client, django_user_model, moderator_first):
    post = discussed_post()
    make_comment(post, status=Comment.Status.PENDING, text="Waiting for a decision")
    client.force_login(make_staff(django_user_model, "Moderators"))
    someone = visitor()

    order = [client, someone] if moderator_first else [someone, client]
    pages = {id(each): html(each, post.get_absolute_url()) for each in order}

    assert "Waiting for a decision" in pages[id(client)]
    assert "csrfmiddlewaretoken" in pages[id(client)]
    assert "Waiting for a decision" not in pages[id(someone)]
    assert "csrfmiddlewaretoken" not in pages[id(someone)]
    assert "Waiting for a decision" not in html(visitor(), post.get_absolute_url())


def test_a_visitors_own_reply_awaiting_moderation_is_theirs_alone():
    post = discussed_post()
    someone = visitor()
    html(someone, post.get_absolute_url())  # the shared parts are kept
    writer = visitor()
    writer.post(reply_url(post), form_data(text="My own held words"))
    assert writer.cookies.get(PENDING_COOKIE)

    assert "My own held words" in html(writer, post.get_absolute_url())
    assert "Your comment is awaiting moderation." in html(writer, post.get_absolute_url())
    assert "My own held words" not in html(someone, post.get_absolute_url())
    assert "My own held words" not in html(visitor(), post.get_absolute_url())


@pytest.mark.parametrize("remembered_first", [True, False])
def test_remembered_details_fill_only_their_owners_form(remembered_first):
    post = discussed_post()
    other = discussed_post()
    owner = visitor()
    owner.post(reply_url(other), form_data(remember="on", email="sam.private@example.org"))
    someone = visitor()

    order = [owner, someone] if remembered_first else [someone, owner]
    pages = {id(each): html(each, post.get_absolute_url()) for each in order}

    assert 'value="sam.private@example.org"' in pages[id(owner)]
    assert "sam.private@example.org" not in pages[id(someone)]
    assert "sam.private@example.org" not in html(visitor(), post.get_absolute_url())


def test_a_reply_chosen_to_answer_is_not_kept_for_others():
    post = discussed_post()
    chosen = Comment.objects.filter(post=post).order_by("pk").first()
    client = visitor()
    answering = html(client, post.get_absolute_url(), replytocom=chosen.pk)
    plain = html(client, post.get_absolute_url())

    assert f'name="parent" value="{chosen.pk}"' in answering
    assert f'name="parent" value="{chosen.pk}"' not in plain
    assert 'id="replying-to" hidden' in plain


def test_a_staff_draft_never_reaches_a_visitor(client, django_user_model):
    draft = make_post(title="Not yet public", status=Post.Status.DRAFT)
    client.force_login(make_staff(django_user_model, "Editors"))
    assert "Not yet public" in html(client, draft.get_absolute_url())
    assert visitor().get(draft.get_absolute_url()).status_code == 404


# --- Kept apart by address ------------------------------------------------------------------


def test_other_queries_and_hosts_are_kept_apart():
    for n in range(12):
        make_post(title=f"Numbered {n:02}")
    client = visitor()
    tracked = html(client, LIST, source="newsletter")
    plain = html(client, LIST)
    assert "source=newsletter" in tracked and "source=newsletter" not in plain
    assert "Numbered 00" not in plain and "Numbered 00" in html(client, LIST, page=2)

    post = discussed_post()
    on_test_host = html(client, post.get_absolute_url())
    on_localhost = client.get(post.get_absolute_url(), headers={"host": "localhost"})
    assert 'content="http://testserver/' in on_test_host
    assert 'content="http://localhost/' in on_localhost.content.decode()
    assert "testserver" not in on_localhost.content.decode()


def test_the_header_marks_the_page_it_is_on():
    make_post()
    client = visitor()
    home = html(client, reverse("news:home"))
    events = html(client, reverse("news:category", kwargs={"slug": "events"}))
    again = html(client, reverse("news:home"))
    current = re.compile(r'<a href="([^"]*)" aria-current="page">')
    assert current.findall(home) == current.findall(again) == [reverse("news:home")]
    assert current.findall(events) == [reverse("news:category", kwargs={"slug": "events"})]
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and not current.findall(missing.content.decode())
