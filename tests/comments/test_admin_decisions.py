"""One-click moderation in the admin: each row's and each reply page's buttons, the Undo in
the message that follows, who may press them, and the reply shown in its thread."""

import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from comments.models import Comment
from comments.services import submit_comment
from tests.comments.conftest import QUEUE, change_url, queue_url
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

DECIDE = "admin:comments_comment_decide"
UNDO = "admin:comments_comment_undo"


def decide(client, comment, status, **extra):
    data = {"decision": f"{comment.pk}:{status}", "next": queue_url(status__exact="pending")}
    return client.post(reverse(DECIDE), {**data, **extra})


def undo_fields(response_or_html) -> dict:
    """The hidden fields of the Undo form in the message the page shows."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content
    html = html if isinstance(html, str) else html.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="undo-form">(.*?)</form>', html)
    assert form, "no Undo form on the page"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    return {"action": unescape(form.group(1)), **{k: unescape(v) for k, v in fields.items()}}


@pytest.mark.parametrize(
    "start, status, label",
    [
        ("pending", "approved", "Approved"),
        ("pending", "spam", "Marked as spam"),
        ("pending", "trash", "Moved to the trash"),
        ("approved", "pending", "Moved back to pending"),
    ],
)
def test_each_button_decides_at_once_and_records_who(client, moderator, start, status, label):
    comment = make_comment(make_post(), status=start, name="Rosa", reason="Held: two links")

    response = decide(client, comment, status)

    assert response.status_code == 302
    assert response.url == queue_url(status__exact="pending")  # back where it was pressed
    comment.refresh_from_db()
    assert comment.status == status
    assert comment.moderated_by == moderator and comment.moderated_at is not None
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert message.startswith(f"{label} the reply from <bdi>Rosa</bdi>.")
    assert "data-moderation-undo>Undo</button>" in message


def test_undo_puts_back_the_status_and_the_reason_it_was_held(client, moderator):
    comment = make_comment(make_post(), status="pending", reason="Held: two links")
    page = client.get(decide(client, comment, "approved").url)
    fields = undo_fields(page)
    assert fields["action"] == reverse(UNDO)

    response = client.post(fields.pop("action"), fields)

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.reason) == ("pending", "Held: two links")
    assert comment.moderated_by == moderator
    page = client.get(response.url).content.decode()
    assert "Undone: 1 reply put back as before." in page


def test_undo_leaves_a_reply_someone_has_decided_since(client, moderator):
    comment = make_comment(make_post(), status="pending")
    fields = undo_fields(client.get(decide(client, comment, "approved").url))
    decide(client, comment, "trash")

    client.post(fields.pop("action"), fields)

    comment.refresh_from_db()
    assert comment.status == "trash"


def test_a_forged_undo_changes_nothing(client, moderator):
    comment = make_comment(make_post(), status="spam")
    forged = json.dumps({"status": "spam", "previous": [[comment.pk, "approved", ""]]})
    response = client.post(reverse(UNDO), {"undo": forged}, follow=True)
    assert "That undo has expired" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "spam"


def test_bulk_actions_stay_and_offer_an_undo(client, moderator):
    post = make_post()
    first, second = (make_comment(post, status="pending") for _ in range(2))
    data = {"action": "approve", "_selected_action": [first.pk, second.pk]}

    page = client.post(reverse(QUEUE), data, follow=True)

    assert "2 replies approved." in page.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    fields = undo_fields(page)
    client.post(fields.pop("action"), fields)
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}


def test_without_the_permission_to_change_replies_nothing_changes(client, django_user_model):
    comment = make_comment(make_post(), status="pending")
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)

    assert decide(client, comment, "approved").status_code == 403
    assert client.post(reverse(UNDO), {"undo": "x"}).status_code == 403
    html = client.get(reverse(QUEUE)).content.decode()
    assert "moderation-decision" not in html and "data-shortcut" not in html
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_buttons_need_the_csrf_token(client, moderator):
    comment = make_comment(make_post(), status="pending")
    client.handler.enforce_csrf_checks = True
    assert decide(client, comment, "approved").status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_a_get_or_an_unknown_decision_changes_nothing(client, moderator):
    comment = make_comment(make_post(), status="pending")
    assert client.get(reverse(DECIDE), {"decision": f"{comment.pk}:approved"}).status_code == 405
    assert decide(client, comment, "published").status_code == 400
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_next_elsewhere_goes_back_to_the_queue(client, moderator):
    comment = make_comment(make_post(), status="pending")
    response = decide(client, comment, "approved", next="https://evil.example/")
    assert response.url == reverse(QUEUE)


def test_each_row_has_its_buttons_and_the_keyboard_help(client, moderator):
    pending = make_comment(make_post(), status="pending", name="Pat")
    approved = make_comment(make_post(), name="Al")

    html = client.get(reverse(QUEUE)).content.decode()

    def buttons(comment):
        return re.findall(rf'value="{comment.pk}:(\w+)"[^>]*data-shortcut="(\w)">(\w[\w ]*)<', html)

    assert buttons(pending) == [
        ("approved", "a", "Approve"),
        ("spam", "s", "Spam"),
        ("trash", "t", "Trash"),
    ]
    assert buttons(approved) == [
        ("pending", "u", "Unapprove"),
        ("spam", "s", "Spam"),
        ("trash", "t", "Trash"),
    ]
    assert 'form="moderation-decision"' in html
    assert '<form id="moderation-decision" method="post"' in html
    assert "<kbd>j</kbd> next reply" in html and "comments/moderation.js" in html


def test_a_replys_page_has_the_buttons_and_shows_its_thread(client, moderator):
    post = make_post()

    def reply(name, status="approved", parent=None):
        email = f"{name.lower()}@example.org"
        return submit_comment(
            post=post, parent=parent, name=name, email=email, text=f"By {name}", status=status
        )

    root = reply("Asker")
    other = reply("Other", "spam", parent=root)
    comment = reply("Answerer", "pending", parent=root)
    later = reply("Later", parent=comment)
    reply("Elsewhere")

    html = client.get(change_url(comment)).content.decode()

    thread = re.search(r'<ol class="reply-thread">(.*?)</ol>', html, re.DOTALL).group(1)
    names = re.findall(r"<bdi>(\w+)</bdi></a> \((\w+),", thread)
    assert names == [("Asker", "Approved"), ("Other", "Spam"), ("Answerer", "Pending")]
    assert "(the reply it answers)" in thread and "(this reply)" in thread
    assert "Elsewhere" not in thread and later.name not in thread
    assert f'value="{comment.pk}:approved"' in html and 'data-shortcut="a">Approve<' in html
    assert other.pk != comment.pk

    response = decide(client, comment, "approved", next=change_url(comment))
    assert response.url == change_url(comment)
    page = client.get(response.url).content.decode()
    assert "Approved the reply from <bdi>Answerer</bdi>." in page
    assert 'data-shortcut="u">Unapprove<' in page and "Approve and reply" not in page
