"""Who may use the moderation pages, and how they show what visitors typed: as text."""

import pytest
from django.urls import reverse

from comments.models import ModeratorPreference
from tests.comments.conftest import PAYLOADS, QUEUE, approve_reply_url, change_url
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


# --- Editors are refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        lambda c: reverse(QUEUE),
        lambda c: change_url(c),
        lambda c: approve_reply_url(c),
        lambda c: reverse("admin:comments_comment_personal_data"),
        lambda c: reverse("admin:comments_discussionsettings_changelist"),
        lambda c: reverse("admin:comments_moderatorpreference_changelist"),
    ],
    ids=["queue", "change", "approve-and-reply", "personal-data", "settings", "preference"],
)
def test_editors_are_refused_every_moderation_page(client, editor, url):
    comment = make_comment(make_post(), status="pending")
    assert client.get(url(comment)).status_code == 403


def test_editors_can_neither_moderate_nor_reply(client, editor):
    comment = make_comment(make_post(), status="pending")

    client.post(reverse(QUEUE), {"action": "approve", "_selected_action": [comment.pk]})
    assert client.post(approve_reply_url(comment), {"text": "Hijacked"}).status_code == 403

    comment.refresh_from_db()
    assert comment.status == "pending" and comment.moderated_by is None
    assert not comment.replies.exists()
    assert not ModeratorPreference.objects.exists()
    assert "awaiting moderation" not in client.get(reverse("admin:index")).content.decode()


# --- Whatever people type is shown as text --------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_moderation_page_escapes_what_visitors_typed(client, moderator, payload):
    post = make_post()
    parent = make_comment(post, name=payload, text=payload)
    comment = make_comment(
        post,
        parent=parent,
        name=payload,
        email=f"{payload}@example.org",
        website=f"https://example.org/{payload}",
        text=payload,
        user_agent=payload,
        reason=payload,
        status="pending",
    )
    make_comment(post, parent=comment, name=payload, text=payload)

    pages = [reverse(QUEUE), change_url(comment), approve_reply_url(comment), change_url(parent)]
    for url in pages:
        html = client.get(url).content.decode()
        assert payload not in html, url
        assert "alert(1)" in html, url  # shown, as text


def test_a_post_title_is_escaped_too(client, moderator):
    make_comment(make_post(title=PAYLOADS[0]))
    html = client.get(reverse(QUEUE)).content.decode()
    assert PAYLOADS[0] not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
