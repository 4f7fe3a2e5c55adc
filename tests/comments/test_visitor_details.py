"""The visitor's own details: remembered in their browser only when asked, and what is kept."""

import base64
import contextlib
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.pending import AUTHOR_COOKIE
from tests.comments.conftest import form_data, page, reply_url
from tests.factories import make_post

pytestmark = pytest.mark.django_db


# --- The visitor's own details --------------------------------------------------------------


def test_the_form_offers_unticked_boxes_and_the_privacy_notice(client):
    html = page(client, make_post().get_absolute_url())
    assert "Save my name, email, and website in this browser for the next time I comment." in html
    assert "Email me when my comment is published" in html
    assert 'type="checkbox" name="remember"' in html and "checked" not in html
    assert f'href="{reverse("privacy")}#replies"' in html


def test_details_are_remembered_only_when_asked(client):
    post = make_post()
    response = client.post(reply_url(post), form_data(website="https://sam.example"))
    assert AUTHOR_COOKIE not in response.cookies
    fresh = client.__class__()
    response = fresh.post(
        reply_url(post), form_data(remember="on", text="Second"), REMOTE_ADDR="192.0.2.5"
    )
    assert AUTHOR_COOKIE in response.cookies
    assert response.cookies[AUTHOR_COOKIE]["httponly"]

    html = page(fresh, make_post().get_absolute_url())
    assert 'value="Sam Carter"' in html and 'value="sam@example.org"' in html
    assert re.search(r'type="checkbox" name="remember"[^>]*checked', html)


def test_unticking_the_box_forgets_saved_details(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = make_post()
    client.post(reply_url(post), form_data(remember="on"))
    response = client.post(reply_url(post), form_data(text="Without remembering"))
    assert response.cookies[AUTHOR_COOKIE].value == ""  # deleted
    assert 'value="Sam Carter"' not in page(client.__class__(), post.get_absolute_url())


def test_asking_for_an_email_on_publication_is_recorded(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = make_post()
    client.post(reply_url(post), form_data(notify="on"))
    client.post(reply_url(post), form_data(text="No email please"))
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


# --- The saved details are encrypted, not only signed ----------------------------------------


def _saved_details_cookie(client) -> str:
    response = client.post(reply_url(make_post()), form_data(remember="on"))
    return response.cookies[AUTHOR_COOKIE].value


def test_the_saved_details_cookie_does_not_show_the_email_address(client):
    raw = _saved_details_cookie(client)
    readable = [raw, unquote(raw)]
    for text in list(readable):
        # Signing alone leaves the details readable, as text or as base64 of it.
        for chunk in re.findall(r"[A-Za-z0-9_\-+/=]{8,}", text):
            for decoder in (base64.urlsafe_b64decode, base64.b64decode):
                with contextlib.suppress(ValueError):
                    readable.append(decoder(chunk + "=" * (-len(chunk) % 4)).decode("latin-1"))
    for text in readable:
        assert "sam@example.org" not in text and "example.org" not in text
        assert "Sam Carter" not in text
    email_b64 = {base64.b64encode(b"sam@example.org")[:12], base64.b64encode(b'"sam@example.org"')}
    assert not any(part.decode() in raw for part in email_b64)


def test_a_tampered_details_cookie_is_ignored(client):
    raw = _saved_details_cookie(client)
    client.cookies[AUTHOR_COOKIE] = raw[:-6] + ("A" if raw[-6] != "A" else "B") + raw[-5:]
    html = page(client, make_post().get_absolute_url())
    assert 'value="sam@example.org"' not in html


def test_a_details_cookie_from_another_site_key_is_ignored(client, settings):
    raw = _saved_details_cookie(client)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    client.cookies[AUTHOR_COOKIE] = raw
    assert 'value="sam@example.org"' not in page(client, make_post().get_absolute_url())
    # Still read after a key rotation that keeps the old key as a fallback.
    settings.SECRET_KEY_FALLBACKS = ["insecure-key-for-tests-only"]
    assert 'value="sam@example.org"' in page(client, make_post().get_absolute_url())
