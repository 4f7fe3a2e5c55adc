"""A moderator reading a post sees its pending replies in place, marked "Pending", with
Approve / Spam / Trash beside each; every visitor still gets the same cacheable page."""

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

from comments.models import Comment
from comments.services import submit_comment
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db

FROZEN = "2026-11-28 12:00:30Z"


def pending_reply(post, name="Rosa", parent=None, text="Is there a paper on peer roles?"):
    return submit_comment(
        post=post,
        parent=parent,
        name=name,
        email=f"{name.lower()}@example.org",
        text=text,
        reason="Every reply is held for moderation",
    )


def decide_url(comment):
    return reverse("comments:decide", args=[comment.pk])


def test_a_moderator_sees_pending_replies_marked_with_buttons(client, moderator):
    post = make_post()
    approved = make_comment(post, name="Alex", text="Approved words")
    waiting = pending_reply(post, parent=approved)

    response = client.get(post.get_absolute_url())

    html = response.content.decode()
    assert "Is there a paper on peer roles?" in html
    assert "<strong>Pending</strong>: waiting for a moderator's decision" in html
    assert f'id="comment-{waiting.pk}" class="comment level-1 comment-pending"' in html
    assert f'action="{decide_url(waiting)}"' in html
    for status, label in [("approved", "Approve"), ("spam", "Spam"), ("trash", "Trash")]:
        assert f'name="status" value="{status}">{label}<span' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'action="{decide_url(approved)}"' not in html  # buttons only beside pending ones


def test_a_moderators_page_is_private_and_never_a_304_from_the_content_stamp(client, moderator):
    post = make_post()
    pending_reply(post)
    future = http_date(2_000_000_000)

    response = client.get(post.get_absolute_url(), headers={"If-Modified-Since": future})

    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert not response.has_header("Last-Modified")
    visitor = Client().get(post.get_absolute_url(), headers={"If-Modified-Since": future})
    assert visitor.status_code == 304  # visitors keep their 304s


def test_visitors_and_staff_who_do_not_moderate_see_exactly_what_they_saw(client, editor):
    post = make_post()
    url = post.get_absolute_url()
    with time_machine.travel(FROZEN, tick=False):
        before = Client().get(url)
        waiting = pending_reply(post, text="Hidden until decided")
        after = Client().get(url)
        editors = client.get(url).content.decode()

    assert after.content == before.content  # byte for byte
    assert "public" in after["Cache-Control"] and not after.cookies
    assert "Hidden until decided" not in editors and decide_url(waiting) not in editors


def test_approve_in_place_publishes_and_returns_to_the_reply(client, moderator):
    post = make_post()
    waiting = pending_reply(post)

    response = client.post(decide_url(waiting), {"status": "approved", "cpage": "2"})

    assert response.status_code == 302
    assert response.url == f"{post.get_absolute_url()}?cpage=2#comment-{waiting.pk}"
    waiting.refresh_from_db()
    assert waiting.status == "approved" and waiting.moderated_by == moderator
    html = Client().get(post.get_absolute_url()).content.decode()
    assert "Is there a paper on peer roles?" in html  # a new visitor now sees it


@pytest.mark.parametrize("status", ["spam", "trash"])
def test_spam_or_trash_in_place_returns_to_the_reply_it_answered(client, moderator, status):
    post = make_post()
    parent = make_comment(post)
    waiting = pending_reply(post, parent=parent)
    response = client.post(decide_url(waiting), {"status": status})
    assert response.url == f"{post.get_absolute_url()}#comment-{parent.pk}"
    waiting.refresh_from_db()
    assert waiting.status == status


def test_without_the_permission_nothing_changes(client, django_user_model):
    waiting = pending_reply(make_post())
    assert Client().post(decide_url(waiting), {"status": "approved"}).status_code == 403
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    assert client.post(decide_url(waiting), {"status": "approved"}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == "pending" and waiting.moderated_at is None


def test_the_buttons_are_held_to_two_factor_like_every_staff_page(
    client, settings, django_user_model
):
    settings.OTP_REQUIRED_FOR_SUPERUSERS = True
    boss = django_user_model.objects.create_superuser("boss", password="x")
    waiting = pending_reply(make_post())
    client.force_login(boss)  # must set two-factor up first

    response = client.post(decide_url(waiting), {"status": "approved"})

    assert response.status_code == 302 and response["Location"] == reverse("two_factor")
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_in_place_decisions_need_csrf_and_a_known_status(client, moderator):
    waiting = pending_reply(make_post())
    assert client.post(decide_url(waiting), {"status": "published"}).status_code == 400
    assert client.get(decide_url(waiting)).status_code == 405
    client.handler.enforce_csrf_checks = True
    assert client.post(decide_url(waiting), {"status": "approved"}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == Comment.Status.PENDING


def test_a_moderators_page_runs_constant_queries(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Moderators", "mod"))
    post = make_post()
    url = post.get_absolute_url()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first = pending_reply(post)
    pending_reply(post, parent=first, name="Sam")
    few = queries()
    for number in range(12):
        parent = make_comment(post)
        pending_reply(post, parent=parent if number % 2 else None, name=f"Writer{number}")

    assert queries() == few
