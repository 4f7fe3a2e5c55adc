"""Pages kept for visitors without cookies (imroc_site/page_cache.py): served again for one
query until anything public changes, then rendered afresh on the very next request."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from comments.services import moderate
from news import services
from news.models import Post
from news.preview import preview_path
from tests.factories import attach, make_comment, make_document, make_post
from tests.faults import connection_settings, needs_sqlite

pytestmark = pytest.mark.django_db

LIST = reverse("news:post_list")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300


def fetch(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_a_kept_page_is_the_same_bytes_for_one_query(client):
    make_post(title="Open day at the Recovery College")
    first, rendering = fetch(client, LIST)
    again, kept = fetch(client, LIST)

    assert rendering > 1
    assert kept == 1  # the content stamp, by primary key
    assert again.content == first.content
    assert again["Last-Modified"] == first["Last-Modified"]
    assert "public" in again["Cache-Control"]


def test_a_change_shows_on_the_next_request(client, admin_user):
    post = make_post(title="Open day at the Recovery College")
    draft = make_post(title="Peer trainers wanted", status=Post.Status.DRAFT)
    fetch(client, LIST)

    services.publish([draft], by=admin_user)
    assert "Peer trainers wanted" in client.get(LIST).content.decode()

    services.unpublish([post], by=admin_user)
    assert "Open day at the Recovery College" not in client.get(LIST).content.decode()
    assert client.get(post.get_absolute_url()).status_code == 404


def test_an_approved_reply_shows_on_the_next_request(client, admin_user):
    post = make_post()
    reply = make_comment(post, status=Comment.Status.PENDING, text="Thank you for this.")
    assert "Thank you for this." not in client.get(post.get_absolute_url()).content.decode()

    moderate(Comment.objects.filter(pk=reply.pk), status=Comment.Status.APPROVED, by=admin_user)

    assert "Thank you for this." in client.get(post.get_absolute_url()).content.decode()


def test_replies_closed_by_age_show_on_the_next_request(client):
    post = make_post(days_ago=30)
    assert "Replies are closed" not in client.get(post.get_absolute_url()).content.decode()

    rules = DiscussionSettings.current()
    rules.close_after_days = 14
    rules.save()

    assert "Replies are closed" in client.get(post.get_absolute_url()).content.decode()


def test_a_scheduled_post_appears_at_its_time_without_a_save(client):
    make_post(title="Already out")
    soon = timezone.now() + timedelta(minutes=5)
    make_post(title="Out at noon", published_at=soon)
    assert "Out at noon" not in client.get(LIST).content.decode()

    with time_machine.travel(soon + timedelta(seconds=1)):
        assert "Out at noon" in client.get(LIST).content.decode()


def test_visitors_with_cookies_never_read_or_fill_it(client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0  # else a page's parts are kept, in one query too
    make_post()
    client.cookies["sessionid"] = "anything"
    _, with_cookie = fetch(client, LIST)
    _, again_with_cookie = fetch(client, LIST)
    client.cookies.clear()
    _, first_without = fetch(client, LIST)

    assert with_cookie > 1 and again_with_cookie > 1
    assert first_without > 1  # nothing was kept from the visitor with a cookie


def test_staff_see_their_own_page_not_a_kept_one(client):
    post = make_post()
    make_comment(post, status=Comment.Status.PENDING, text="Awaiting a moderator.")
    anonymous = client.get(post.get_absolute_url())
    staff = get_user_model().objects.create_user("editor", password="x" * 20, is_staff=True)
    client.force_login(staff)

    signed_in, queries = fetch(client, post.get_absolute_url())

    assert queries > 1
    assert signed_in.content != anonymous.content
    assert "private" in signed_in["Cache-Control"]


def test_only_public_pages_are_kept(client):
    draft = make_post(status=Post.Status.DRAFT)
    assert fetch(client, draft.get_absolute_url())[0].status_code == 404
    _, again = fetch(client, draft.get_absolute_url())
    assert again > 1  # an error page is never kept

    preview = preview_path(draft)
    assert fetch(client, preview)[0]["Cache-Control"] == "private, no-store"
    _, again = fetch(client, preview)
    assert again > 1  # a private page is never kept


def test_downloads_are_counted_every_time(client):
    paper = make_document()
    attach(make_post(), paper)
    for _ in range(3):
        response = client.get(paper.get_download_url())
        assert response.status_code == 200
        b"".join(response.streaming_content)
    paper.refresh_from_db()
    assert paper.download_count == 3


def test_a_path_that_chooses_its_own_caching_skips_the_page_cache_from_then_on(client):
    """A download can never be kept: after its first answer (its own Cache-Control), the
    process passes its path straight to the view, without reading the content stamp."""
    paper = make_document()
    attach(make_post(), paper)

    def download():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(paper.get_download_url())
            b"".join(response.streaming_content)
        assert response.status_code == 200
        return [query["sql"] for query in queries]

    assert any("freshness_contentstamp" in sql for sql in download())
    for _ in range(2):
        assert not any("freshness_contentstamp" in sql for sql in download())
    paper.refresh_from_db()
    assert paper.download_count == 3
    # Pages are kept as before, by the same process.
    fetch(client, LIST)
    assert fetch(client, LIST)[1] == 1


def test_a_kept_page_answers_304_to_a_browser_with_it(client):
    make_post()
    first = client.get(LIST)
    response, queries = fetch(client, LIST, if_modified_since=first["Last-Modified"])

    assert response.status_code == 304
    assert queries == 1


def test_addresses_with_other_queries_are_kept_apart(client):
    for number in range(12):
        make_post(title=f"Numbered post {number:02}")
    first_page = client.get(LIST).content.decode()
    second_page = client.get(LIST, {"page": 2}).content.decode()

    assert "Numbered post 11" in first_page and "Numbered post 11" not in second_page
    assert "Numbered post 00" in second_page


def test_turned_off_it_keeps_nothing(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0  # else a page's parts are kept, in one query too
    make_post()
    fetch(client, LIST)
    assert fetch(client, LIST)[1] > 1


@needs_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_database_that_cannot_be_reached_answers_503_not_an_error(client):
    client.raise_request_exception = False
    post = make_post()
    with connection_settings(NAME="/nonexistent-folder/db.sqlite3"):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 503
    assert client.get(post.get_absolute_url()).status_code == 200


def test_a_kept_page_gets_fresh_caching_headers(client):
    make_post()
    first = client.get(LIST)
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        again, queries = fetch(client, LIST)

    assert queries == 1
    assert again["Cache-Control"] == first["Cache-Control"]
    # The shared cache in front may keep it from now, not from when it was first rendered.
    assert int(again["X-Accel-Expires"][1:]) >= int(first["X-Accel-Expires"][1:]) + 29
