"""Replies under load: many visitors sending at the same moment to a real, threaded server.

Each test sends real HTTP requests to pytest-django's live server (a thread per request, each
with its own database connection, as workers have) from many threads released together by a
barrier. They
run on whichever database the suite runs on: SQLite by default, PostgreSQL in CI when
DATABASE_URL points at one.

On SQLite the test database is a file (settings give it one), so the server's threads each
have their own connection under WAL, the busy timeout and IMMEDIATE transactions, as a real
site's workers do; the tests assert those are in force.
"""

import http.client
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from comments.models import Comment
from comments.rules import DUPLICATE, TOO_FAST
from tests.comments.conftest import form_data
from tests.factories import make_post

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


VISITORS = 50
SAME_REPLY_SENDERS = 20


@pytest.fixture
def server_like_production(live_server):
    """Call before sending: the live server then queues many visitors at once."""

    def prepare() -> None:
        # Django's test server queues only 10 connections not yet accepted (gunicorn, 2048):
        # fifty at once would be reset by the kernel before the site ever saw them.
        live_server.thread.httpd.socket.listen(VISITORS * 2)

    return prepare


def database_mode() -> str:
    """What the server writes to: the test's database, which its threads each open too."""
    if connection.vendor != "sqlite":
        return f"{connection.vendor} {connection.settings_dict['NAME']}"
    with connection.cursor() as cursor:
        journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        timeout_ms = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    where = "memory" if connection.is_in_memory_db() else "file"
    return (
        f"sqlite {where} ({journal}, busy timeout {timeout_ms / 1000:g} s, "
        f"{connection.transaction_mode} transactions) {connection.settings_dict['NAME']}"
    )


def assert_production_like(mode: str) -> None:
    if connection.vendor == "sqlite":
        timeout = connection.settings_dict["OPTIONS"]["timeout"]
        expected = f"sqlite file (wal, busy timeout {timeout:g} s, IMMEDIATE transactions)"
        assert mode.startswith(expected), mode


def send_together(url: str, forms: list[dict]) -> list[tuple[int, str, str]]:
    """POST each form from a thread of its own, all released at once; (status, Location, body)."""
    address = urlsplit(url)
    barrier = threading.Barrier(len(forms))
    answers: list = [None] * len(forms)

    def send(index: int, form: dict) -> None:
        body = urlencode(form)
        server = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        try:
            barrier.wait(timeout=30)
            server.request(
                "POST",
                address.path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    # What a browser sends with a form posted from the site's own page.
                    "Sec-Fetch-Site": "same-origin",
                    "User-Agent": f"load-test visitor {index}",
                },
            )
            response = server.getresponse()
            answers[index] = (
                response.status,
                response.getheader("Location", ""),
                response.read().decode(errors="replace"),
            )
        except Exception as error:  # a lost answer is a failure, reported with the others
            answers[index] = (None, "", repr(error))
        finally:
            server.close()

    threads = [
        threading.Thread(target=send, args=(index, form)) for index, form in enumerate(forms)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return answers


def describe(answers) -> str:
    return "\n".join(
        f"#{index}: {status} {location} {body[:300]!r}"
        for index, (status, location, body) in enumerate(answers)
    )


def test_fifty_replies_at_once_are_all_saved(live_server, server_like_production, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_HOURLY_LIMIT = 1000
    settings.COMMENTS_MIN_SECONDS = 0
    post = make_post()
    server_like_production()
    mode = database_mode()
    assert_production_like(mode)
    print(f"The live server wrote to {mode}")
    texts = [
        f"Reply {number} of {VISITORS}: thank you for this post." for number in range(VISITORS)
    ]
    forms = [
        form_data(name=f"Visitor {number}", email=f"visitor{number}@example.org", text=text)
        for number, text in enumerate(texts)
    ]

    answers = send_together(live_server + reverse("comments:post", args=[post.pk]), forms)

    assert [status for status, _, _ in answers] == [302] * VISITORS, (
        f"on {mode}:\n{describe(answers)}"
    )
    saved = list(Comment.objects.filter(post=post).values_list("pk", "text"))
    assert len(saved) == VISITORS
    assert sorted(text for _, text in saved) == sorted(texts)
    # Each visitor was sent to their own reply.
    locations = {location.rsplit("#", 1)[-1] for _, location, _ in answers}
    assert locations == {f"comment-{pk}" for pk, _ in saved}


def test_the_same_reply_sent_twenty_times_at_once_is_saved_once_and_never_fails(
    live_server, server_like_production
):
    # Flood control on its defaults: all twenty come from one address within a second.
    post = make_post()
    server_like_production()
    mode = database_mode()
    assert_production_like(mode)
    form = form_data(text="The very same words, sent again and again.")

    answers = send_together(
        live_server + reverse("comments:post", args=[post.pk]), [form] * SAME_REPLY_SENDERS
    )

    statuses = [status for status, _, _ in answers]
    # Exactly one is saved: replies from one address are checked and saved one at a time.
    assert sorted(statuses) == [200] * (SAME_REPLY_SENDERS - 1) + [302], (
        f"on {mode}:\n{describe(answers)}"
    )
    saved = list(Comment.objects.filter(post=post).values_list("text"))
    assert saved == [(form["text"],)]
    # Those turned away were told why, on the post page with the form.
    for status, _, body in answers:
        if status == 200:
            assert TOO_FAST in body or DUPLICATE.replace("'", "&#x27;") in body, body[:2000]
