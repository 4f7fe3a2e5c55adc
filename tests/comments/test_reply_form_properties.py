"""The reply form against any input (hypothesis): never a server error, never slow, and what a
person typed always comes back to them or is saved.

Each test sets its post up once and runs its examples inside, each in a transaction rolled
back at its end, so every example meets the same database (no flood limit from the last one).
"""

import pytest
from django.test import Client
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.provisional import urls

from comments.forms import CommentForm
from comments.models import Comment
from comments.policy import ReplyPolicy
from tests.comments.conftest import form_data, form_time, reply_url
from tests.conftest import (
    answered_quickly,
    any_text_character,
    hostile_text,
    mostly,
    rolled_back,
)
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db


def reply_fields(approved_parent: Comment):
    """Everything the form sends: each field mostly what a person would type (so that many
    replies pass and are saved), else anything at all; the optional ones at times left out."""
    sensible = {
        "name": st.sampled_from(["Sam Carter", "أمينة", "Zoë O'Brien", "\u202eSam\u202c"]),
        "email": st.from_regex(
            r"[a-z0-9._+-]{1,30}@(example\.org|exämple\.org|[a-z]{1,20}\.[a-z]{2,6})",
            fullmatch=True,
        ),
        "website": st.one_of(st.just(""), urls()),
        "text": st.text(any_text_character, min_size=1, max_size=300),
        "parent": st.sampled_from(["", str(approved_parent.pk)]),
        "issued": st.just(form_time()),
        "subject": st.just(""),
        "remember": st.sampled_from(["", "on"]),
        "notify": st.sampled_from(["", "on"]),
    }
    hostile = {
        "parent": st.one_of(hostile_text(30), st.integers().map(str)),
        "issued": st.one_of(hostile_text(60), st.just(form_time()[:-1] + "x")),
        "remember": st.sampled_from(["1", "false", "\x00", "on" * 10_000]),
    }
    field = {
        name: mostly(value, hostile.get(name, hostile_text())) for name, value in sensible.items()
    }
    always = ("name", "email", "text", "issued")
    return st.fixed_dictionaries(
        {name: field[name] for name in always},
        optional={name: field[name] for name in field if name not in always},
    )


def test_the_form_judges_any_values_without_raising_and_keeps_only_clean_ones(django_user_model):
    post = make_post()
    parent = make_comment(post)
    policy = ReplyPolicy.current()
    staff = make_staff(django_user_model, "Moderators")

    @given(reply_fields(parent), st.sampled_from([None, staff]))
    def check(fields, user):
        form = CommentForm(fields, post=post, policy=policy, user=user)
        if not form.is_valid():
            assert form.errors
            return
        data = form.cleaned_data
        assert 0 < len(data["text"]) <= 5000 and data["text"] == data["text"].strip()
        assert data["parent"] in (None, parent)
        details = form.author_details()  # staff write as themselves, whatever was sent
        assert details["name"] == (user.get_username() if user else data["name"])
        assert any(character.isalnum() for character in details["name"])
        assert len(details["name"]) <= 100
        assert details.get("website", "") == "" or details["website"].startswith(
            ("http://", "https://")
        )
        for value in (data["text"], *details.values()):
            assert "\x00" not in value  # PostgreSQL refuses NUL in text

    check()


# The headers the view reads besides the form: the sender's address (behind one proxy) and
# browser, both saved with the reply.
request_headers = st.fixed_dictionaries(
    {},
    optional={
        "User-Agent": hostile_text(),
        "X-Forwarded-For": st.one_of(
            st.ip_addresses().map(str),
            st.lists(st.ip_addresses().map(str), max_size=3).map(", ".join),
            hostile_text(60),
        ),
    },
)


def test_posting_any_values_answers_quickly_never_with_a_server_error_and_loses_nothing(
    settings,
):
    settings.TRUSTED_PROXY_COUNT = 1
    post = make_post()
    parent = make_comment(post)
    Client().get(post.get_absolute_url())  # the templates compiled before the clock starts

    @given(reply_fields(parent), request_headers)
    def check(fields, headers):
        with rolled_back():
            posted_as(fields, headers)

    def posted_as(fields, headers):
        client = Client(headers=headers)
        response = answered_quickly(lambda: client.post(reply_url(post), fields))

        if response.status_code == 302:  # saved: the writer is shown it on the post's page
            comment = Comment.objects.latest("pk")
            page = answered_quickly(lambda: client.get(response["Location"]))
            assert page.status_code == 200
            if comment.status in (Comment.Status.PENDING, Comment.Status.APPROVED):
                assert f'id="comment-{comment.pk}"' in page.content.decode()
            return
        # Refused: the page again with every error, and with what was typed, to send again.
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="reply-errors"' in html
        for name in ("name", "text"):
            assert escape(fields.get(name, "")) in html

    check()


def test_a_reply_past_the_request_size_limit_is_refused_as_a_bad_request(client, settings):
    post = make_post()

    response = client.post(
        reply_url(post), form_data(text="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    )

    assert response.status_code == 400
    assert not Comment.objects.exists()
