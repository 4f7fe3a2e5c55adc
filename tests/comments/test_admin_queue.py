"""The moderation queue in the admin: what it lists, its counts, filters, search and bulk
actions, and one reply shown in context."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from news.models import Post
from tests.comments.conftest import QUEUE, approve_reply_url, change_url, listed, queue_url
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db


# --- The queue ------------------------------------------------------------------------------


def test_queue_shows_post_reason_and_a_staff_mark_pending_first(client, moderator):
    post = make_post(title="Peer support week")
    make_comment(post, text="Approved long ago", submitted_at=timezone.now() - timedelta(days=2))
    make_comment(post, text="Waiting for you", status=Comment.Status.PENDING, reason="Held: links")
    make_comment(post, text="From the office", user=moderator)

    response = client.get(reverse(QUEUE))

    texts = [comment.text for comment in listed(response)]
    assert texts == ["Waiting for you", "From the office", "Approved long ago"]
    html = response.content.decode()
    assert "Peer support week" in html and "Held: links" in html
    assert html.count('<span class="staff-badge">Staff</span>') == 1


def test_counts_per_status_link_to_each_status(client, moderator):
    post = make_post()
    statuses = {"pending": 3, "approved": 2, "spam": 1, "trash": 0}
    for status, number in statuses.items():
        for _ in range(number):
            make_comment(post, status=status)

    html = client.get(reverse(QUEUE)).content.decode()

    assert 'aria-current="page">All <span class="count">(6)</span>' in html
    for status, number in statuses.items():
        link = f'<a href="{queue_url(status__exact=status)}">{status.title()} '
        assert f'{link}<span class="count">({number})</span></a>' in html
    spam = client.get(queue_url(status__exact="spam"))
    assert [comment.status for comment in listed(spam)] == ["spam"]
    assert 'aria-current="page">Spam <span' in spam.content.decode()


def test_queue_queries_do_not_grow_with_comments(client, moderator):
    def queries_for_queue():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(QUEUE)).status_code == 200
        return len(captured)

    post = make_post()
    parent = make_comment(post)
    for _ in range(5):
        make_comment(make_post(), status="pending", parent=parent, user=moderator)
    few = queries_for_queue()
    for number in range(45):
        make_comment(make_post() if number % 2 else post, status="pending", user=moderator)

    assert queries_for_queue() == few


@pytest.mark.parametrize(
    "action, start, end, reason",
    [
        ("approve", "pending", "approved", "Approved by moderators"),
        ("unapprove", "approved", "pending", "Pending by moderators"),
        ("mark_spam", "pending", "spam", "Spam by moderators"),
        ("trash", "spam", "trash", "Trash by moderators"),
    ],
)
def test_each_bulk_action_records_who_when_and_why(client, moderator, action, start, end, reason):
    post = make_post()
    chosen = [make_comment(post, status=start) for _ in range(2)]
    untouched = make_comment(post, status=start)

    response = client.post(
        reverse(QUEUE), {"action": action, "_selected_action": [c.pk for c in chosen]}, follow=True
    )

    assert "2 replies" in response.content.decode()
    for comment in chosen:
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by, comment.reason) == (end, moderator, reason)
        assert comment.moderated_at is not None
    untouched.refresh_from_db()
    assert untouched.status == start and untouched.moderated_by is None


def test_post_filter_lists_only_posts_with_replies(client, moderator):
    discussed = make_post(title="Discussed post")
    quiet_draft = make_post(title="Secret embargoed draft", status=Post.Status.DRAFT)
    make_post(title="Published but quiet")
    first = make_comment(discussed)
    make_comment(make_post(title="Another discussed"))

    response = client.get(reverse(QUEUE))

    html = response.content.decode()
    assert "Secret embargoed draft" not in html and "Published but quiet" not in html
    assert "Discussed post" in html and "Another discussed" in html
    assert listed(client.get(queue_url(post=discussed.pk))) == [first]
    assert listed(client.get(queue_url(post=quiet_draft.pk))) == []
    assert client.get(queue_url(post="nonsense")).status_code == 200


def test_filters_by_status_and_date(client, moderator):
    post = make_post()
    old = make_comment(post, status="spam", submitted_at=timezone.now() - timedelta(days=40))
    new = make_comment(post, status="spam")
    make_comment(post)

    assert set(listed(client.get(queue_url(status__exact="spam")))) == {old, new}
    since = (timezone.now() - timedelta(days=7)).isoformat()
    recent = client.get(reverse(QUEUE), {"status__exact": "spam", "submitted_at__gte": since})
    assert listed(recent) == [new]


@pytest.mark.parametrize(
    "field, value, query",
    [
        ("name", "Aroha Tane", "aroha"),
        ("email", "rare.address@example.net", "rare.address"),
        ("text", "Mentions Recovery Colleges", "colleges"),
        ("ip_address", "203.0.113.9", "203.0.113.9"),
    ],
)
def test_search_finds_replies_by_what_moderators_know(client, moderator, field, value, query):
    post = make_post()
    wanted = make_comment(post, **{field: value})
    make_comment(post, ip_address="198.51.100.1")

    assert listed(client.get(reverse(QUEUE), {"q": query})) == [wanted]


def test_search_by_post_title(client, moderator):
    wanted = make_comment(make_post(title="Annual general meeting"))
    make_comment(make_post(title="Something else"))
    assert listed(client.get(reverse(QUEUE), {"q": "general meeting"})) == [wanted]


def test_pending_count_in_the_header_for_those_who_moderate(client, django_user_model):
    make_comment(make_post(), status="pending")
    client.force_login(make_staff(django_user_model, "Moderators"))
    assert "1 comment awaiting moderation" in client.get(reverse(QUEUE)).content.decode()

    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200
    html = response.content.decode()
    assert "awaiting moderation" not in html
    assert "Approve and reply" not in html  # may look, may not act


# --- One reply in context -------------------------------------------------------------------


def test_change_page_shows_the_reply_in_context(client, moderator):
    post = make_post(title="Recovery colleges")
    parent = make_comment(post, name="Asker", text="What is a recovery college?")
    comment = make_comment(post, parent=parent, name="Answerer", status="pending")
    make_comment(post, parent=comment, name="Follow-up", text="Thanks, that helps.")

    html = client.get(change_url(comment)).content.decode()

    assert f'<a href="{post.get_absolute_url()}"><bdi>Recovery colleges</bdi></a>' in html
    assert f'<a href="{change_url(parent)}"><bdi>Asker</bdi></a>' in html
    assert "What is a recovery college?" in html
    assert "Follow-up" in html and "Thanks, that helps." in html
    assert f'href="{approve_reply_url(comment)}">Approve and reply</a>' in html


def test_change_page_says_when_the_post_is_not_public(client, moderator):
    comment = make_comment(make_post(status=Post.Status.DRAFT, title="Draft with a reply"))
    assert "(draft: not public)" in client.get(change_url(comment)).content.decode()


def test_moderators_edit_the_words_but_status_only_moves_through_actions(client, moderator):
    comment = make_comment(make_post(), status="pending", text="Phone me on 07700 900123")

    response = client.post(
        change_url(comment),
        {
            "name": "Sam",
            "email": "sam@example.org",
            "website": "",
            "text": "Phone number removed by a moderator",
            "status": "approved",
        },
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Phone number removed by a moderator" and comment.name == "Sam"
    assert comment.status == "pending"


def test_no_one_adds_replies_through_the_admin_form(client, moderator):
    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
