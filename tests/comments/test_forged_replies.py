"""Replies forged from other sites: signed-in people's need Django's CSRF token, and a visitor's
post from a page of another site (told by its Referer) is refused."""

import re

import pytest
from django.test import Client

from comments.models import Comment
from comments.views import SECURITY_CHECK_EXPIRED
from tests.comments.conftest import form_data, reply_url
from tests.factories import make_post, make_staff

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def browser():
    """A client that checks CSRF tokens as a real browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


def token_on(browser, url) -> str:
    match = TOKEN.search(browser.get(url).content.decode())
    assert match, "the signed-in reply form carries no CSRF token"
    return match.group(1)


@pytest.mark.parametrize("staff", [True, False], ids=["staff", "signed-in visitor"])
def test_signed_in_reply_without_the_token_is_not_saved_and_keeps_the_text(
    browser, django_user_model, staff
):
    user = (
        make_staff(django_user_model, "Editors")
        if staff
        else django_user_model.objects.create_user("reader", "reader@example.org", "pw-long-1")
    )
    browser.force_login(user)
    post = make_post()
    token_on(browser, post.get_absolute_url())  # the browser holds its CSRF cookie

    response = browser.post(reply_url(post), form_data(text="Words I took an hour over"))

    assert response.status_code == 200
    html = response.content.decode()
    assert SECURITY_CHECK_EXPIRED.split(":")[0] in html
    assert "Words I took an hour over" in html
    assert not Comment.objects.exists()
    fresh = TOKEN.search(html)
    assert fresh, "the form shown again must carry a fresh token"
    again = browser.post(
        reply_url(post),
        form_data(text="Words I took an hour over", csrfmiddlewaretoken=fresh.group(1)),
    )
    assert again.status_code == 302
    assert Comment.objects.get().text == "Words I took an hour over"


def test_signed_in_reply_with_a_token_from_another_session_is_refused(browser, django_user_model):
    post = make_post()
    stranger = Client(enforce_csrf_checks=True)
    stranger.force_login(django_user_model.objects.create_user("forger", password="pw-long-2"))
    forged_token = token_on(stranger, post.get_absolute_url())
    browser.force_login(make_staff(django_user_model, "Editors"))
    token_on(browser, post.get_absolute_url())

    response = browser.post(reply_url(post), form_data(csrfmiddlewaretoken=forged_token))

    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_anonymous_page_still_has_no_token_so_it_stays_cacheable(browser):
    assert "csrfmiddlewaretoken" not in browser.get(make_post().get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/page.html",
        "http://testserver.evil.example/",
        "https://testserver/",  # another scheme is another origin
        "not an address",
        "null",
    ],
)
def test_anonymous_reply_from_another_sites_page_is_refused_by_its_referer(browser, referer):
    response = browser.post(reply_url(make_post()), form_data(), headers={"Referer": referer})

    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "referer", ["http://testserver/news/a-post/", "https://partner.example/embed/"]
)
def test_anonymous_reply_from_this_sites_page_is_accepted(browser, settings, referer):
    settings.CSRF_TRUSTED_ORIGINS = ["https://partner.example"]

    response = browser.post(reply_url(make_post()), form_data(), headers={"Referer": referer})

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_origin_wins_over_referer_when_both_are_sent(browser):
    response = browser.post(
        reply_url(make_post()),
        form_data(),
        headers={"Origin": "http://testserver", "Referer": "https://evil.example/"},
    )
    assert response.status_code == 302
