"""A reply sent while the database is busy or down comes back, as typed, to be sent again
(issue 11: "the typed text is never lost")."""

import pytest

from comments.models import Comment
from tests.comments.conftest import form_data, reply_url
from tests.factories import make_post
from tests.faults import (
    closed_port,
    connection_settings,
    needs_postgresql,
    needs_sqlite,
    sqlite_write_lock,
)

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = "My words, typed <carefully> & at length,\nover two lines."


def assert_reply_shown_again(response):
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "The site is busy, please send it again" in html
    assert "My words, typed &lt;carefully&gt; &amp; at length,\nover two lines.</textarea>" in html
    assert 'value="Sam Carter"' in html
    assert 'value="sam@example.org"' in html
    assert 'class="site-header"' in html


@needs_sqlite
def test_a_reply_sent_while_another_writer_holds_the_lock_comes_back_to_send_again(client):
    post = make_post(title="Open for replies")
    data = form_data(text=WORDS)
    with sqlite_write_lock():
        assert_reply_shown_again(client.post(reply_url(post), data))
    assert not Comment.objects.exists()
    # Sent again as the busy page's form sends it: taken once the lock is gone.
    assert client.post(reply_url(post), data).status_code == 302
    assert Comment.objects.get().text == WORDS


@needs_postgresql
def test_a_reply_sent_while_postgresql_is_down_comes_back_to_send_again(client):
    post = make_post(title="Open for replies")
    data = form_data(text=WORDS)
    with connection_settings(HOST="127.0.0.1", PORT=str(closed_port())):
        assert_reply_shown_again(client.post(reply_url(post), data))
    assert client.post(reply_url(post), data).status_code == 302
    assert Comment.objects.get().text == WORDS


@needs_sqlite
def test_the_busy_page_sends_back_every_field_of_the_form(client):
    post = make_post(title="Open for replies")
    data = form_data(text=WORDS, notify="on", remember="on", parent="")
    with connection_settings(NAME="/nonexistent-folder/db.sqlite3"):
        html = client.post(reply_url(post), data).content.decode()
    for name in ("name", "email", "website", "text", "parent", "issued", "subject"):
        assert f'name="{name}"' in html, name
    assert 'name="notify" value="on"' in html
    assert 'name="remember" value="on"' in html
    assert f'action="{reply_url(post)}"' in html
