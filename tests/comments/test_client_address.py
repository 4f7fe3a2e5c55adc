"""Where a reply comes from: no address is one shared bucket for the limits, and a proxy the
settings do not know about is reported once."""

import logging

import pytest

from comments import client as client_module
from comments.models import Comment
from comments.rules import TOO_FAST, TOO_MANY
from tests.comments.conftest import form_data, reply_url
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db

# What gunicorn gives a request that came over a unix socket: no address at all.
UNIX_SOCKET = {"REMOTE_ADDR": ""}


def send_without_address(client, post, text):
    return client.post(reply_url(post), form_data(text=text), **UNIX_SOCKET)


def test_replies_with_no_address_share_one_flood_limit(client):
    post = make_post()
    assert send_without_address(client, post, "First words.").status_code == 302
    response = send_without_address(client, post, "Second words.")
    assert response.status_code == 200 and TOO_FAST in response.content.decode()
    assert Comment.objects.count() == 1
    assert Comment.objects.get().ip_address is None


def test_replies_with_no_address_share_one_hourly_limit(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_HOURLY_LIMIT = 2
    post = make_post()
    for n in range(2):
        assert send_without_address(client, post, f"Thought {n}.").status_code == 302
    response = send_without_address(client, post, "One too many.")
    assert TOO_MANY in response.content.decode().replace("&#x27;", "'")
    assert Comment.objects.count() == 2


def test_staff_replies_written_with_no_address_do_not_use_up_the_shared_bucket(
    client, django_user_model
):
    post = make_post()
    staff = make_staff(django_user_model, "Editors")
    make_comment(post, user=staff, ip_address=None, name="Staff", email="staff@example.org")
    assert send_without_address(client, post, "A visitor's words.").status_code == 302


def test_a_reply_with_an_address_is_not_held_back_by_the_shared_bucket(client):
    post = make_post()
    send_without_address(client, post, "Over the socket.")
    response = client.post(reply_url(post), form_data(text="Over TCP."), REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 302 and Comment.objects.count() == 2


@pytest.fixture
def fresh_process(monkeypatch):
    """As if the process had just started: the warning not yet given."""
    monkeypatch.setattr(client_module, "_proxy_warning_given", False)


def proxy_warnings(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "comments.client" and "TRUSTED_PROXY_COUNT" in record.getMessage()
    ]


@pytest.mark.parametrize("remote_addr", ["127.0.0.1", "::1", ""])  # "": over a unix socket
def test_a_local_proxy_unknown_to_the_settings_is_logged_once(
    client, caplog, fresh_process, remote_addr
):
    post = make_post()
    headers = {"X-Forwarded-For": "203.0.113.9"}
    with caplog.at_level(logging.WARNING, logger="comments.client"):
        for text in ("One.", "Two."):
            client.post(
                reply_url(post), form_data(text=text), headers=headers, REMOTE_ADDR=remote_addr
            )
    [warning] = proxy_warnings(caplog)
    assert warning.levelno == logging.WARNING
    assert "TRUSTED_PROXY_COUNT=1" in warning.getMessage()


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "headers"),
    [
        (1, "127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}),  # the proxy is known
        (0, "127.0.0.1", {}),  # no proxy at all
        (0, "192.0.2.1", {"X-Forwarded-For": "203.0.113.9"}),  # a visitor's own header
    ],
)
def test_no_warning_when_no_unknown_local_proxy(
    client, settings, caplog, fresh_process, proxies, remote_addr, headers
):
    settings.TRUSTED_PROXY_COUNT = proxies
    with caplog.at_level(logging.WARNING, logger="comments.client"):
        client.post(reply_url(make_post()), form_data(), headers=headers, REMOTE_ADDR=remote_addr)
    assert proxy_warnings(caplog) == []


def test_the_first_page_view_through_an_unknown_local_proxy_says_so(client, caplog, fresh_process):
    """Not only a reply: the first request of any page through such a proxy is logged, once."""
    headers = {"X-Forwarded-For": "203.0.113.9"}
    with caplog.at_level(logging.WARNING, logger="comments.client"):
        for _ in range(3):
            assert client.get("/", headers=headers, REMOTE_ADDR="127.0.0.1").status_code == 200
    [warning] = proxy_warnings(caplog)
    assert "TRUSTED_PROXY_COUNT=1" in warning.getMessage()
