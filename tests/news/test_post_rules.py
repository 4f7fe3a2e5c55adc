"""The model's rules: publication dates, states, events, addresses, bodies."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from news.conditions import holds
from news.models import Category, Post
from tests.factories import make_post
from tests.news.conftest import category, make_event, page

pytestmark = pytest.mark.django_db


def test_publishing_fills_the_publication_date():
    post = make_post(status=Post.Status.DRAFT)
    assert post.published_at is None
    post.status = Post.Status.PUBLISHED
    post.save()
    assert post.published_at is not None
    assert Post.objects.published().filter(pk=post.pk).exists()


def test_states():
    now = timezone.now()
    assert make_post(status=Post.Status.DRAFT).state == "draft"
    assert make_post(published_at=now + timedelta(hours=1)).state == "scheduled"
    assert make_post(expires_at=now - timedelta(hours=1)).state == "expired"
    assert make_post().state == "published"


def test_a_posts_state_and_the_querysets_share_one_definition():
    now = timezone.now()
    posts = {
        Post.State.DRAFT: make_post(status=Post.Status.DRAFT),
        Post.State.SCHEDULED: make_post(published_at=now + timedelta(hours=1)),
        Post.State.PUBLISHED: make_post(),
        Post.State.EXPIRED: make_post(days_ago=3, expires_at=now - timedelta(hours=1)),
    }
    for state, post in posts.items():
        assert post.state == state and post.is_public == (state == Post.State.PUBLISHED)
        assert list(Post.objects.in_state(state)) == [post]
    assert list(Post.objects.published()) == [posts[Post.State.PUBLISHED]]
    assert list(Post.objects.scheduled()) == [posts[Post.State.SCHEDULED]]


def test_an_event_is_upcoming_by_the_definition_its_lists_use():
    now = timezone.now()
    posts = [
        make_event("Under way", starts_in_days=-1, event_end=now + timedelta(hours=1)),
        make_event("Next week", starts_in_days=7),
        make_event("Yesterday, no end given", starts_in_days=-1),
        make_event("Ended", starts_in_days=-2, event_end=now - timedelta(days=1)),
        make_post(title="Not an event"),
    ]
    upcoming = set(Post.objects.upcoming_events())
    assert {post.title for post in upcoming} == {"Under way", "Next week"}
    for post in posts:
        assert post.is_upcoming == (post in upcoming)
        assert post.event_is_past == (post.is_event and post not in upcoming)


def test_database_refuses_a_published_post_without_a_date():
    post = make_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(published_at=None)


def test_events_need_a_start_and_end_after_it():
    post = Post(title="Event", slug="event", body="<p>x</p>", category=category("events"))
    with pytest.raises(ValidationError) as missing:
        post.full_clean()
    assert "event_start" in missing.value.message_dict
    post.event_start = timezone.now()
    post.event_end = post.event_start - timedelta(hours=1)
    with pytest.raises(ValidationError) as backwards:
        post.full_clean()
    assert "event_end" in backwards.value.message_dict


def test_an_address_of_digits_only_is_refused():
    post = Post(title="2024", slug="2024", body="<p>x</p>", category=Category.objects.first())
    with pytest.raises(ValidationError) as refused:
        post.full_clean()
    assert "slug" in refused.value.message_dict


def test_excerpt_is_generated_from_the_body_when_blank():
    post = make_post(excerpt="", body="<h2>Heading</h2><p>" + " ".join(["word"] * 100) + "</p>")
    assert post.summary.startswith("Heading word word") and post.summary.endswith("…")
    assert "<" not in post.summary
    post.excerpt = "Written by staff."
    assert post.summary == "Written by staff."


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<p onclick="alert(1)">text</p>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name="x"></form>',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_body_is_sanitised_on_save_whatever_is_pasted(client, payload):
    post = make_post(body=f"<p>Kept text.</p>{payload}")
    post.refresh_from_db()

    lowered = post.body.lower()
    for forbidden in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "<iframe",
        "<svg",
        "data:text",
        "<style",
        "<form",
        "<input",
    ):
        assert forbidden not in lowered
    assert "<p>Kept text.</p>" in post.body
    assert "alert(1)</script>" not in page(client, post.get_absolute_url())


def test_sanitiser_keeps_the_formatting_staff_use():
    body = (
        "<h2>Heading</h2><p><strong>Bold</strong> and <em>italic</em> with "
        '<a href="https://example.org">a link</a>.</p><ul><li>One</li></ul>'
        "<ol><li>Two</li></ol><blockquote><p>Quote</p></blockquote>"
    )
    post = make_post(body=body)
    for kept in (
        "<h2>Heading</h2>",
        "<strong>Bold</strong>",
        "<em>italic</em>",
        'href="https://example.org"',
        "<ul><li>One</li></ul>",
        "<blockquote>",
    ):
        assert kept in post.body


def test_a_condition_the_model_cannot_test_by_itself_is_refused_not_guessed():
    with pytest.raises(ValueError, match="published_at__year"):
        holds(Q(published_at__year=2025), Post(published_at=timezone.now()))
