"""What the public may see: drafts, scheduled and expired posts stay out of sight."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from news.models import Post
from tests.factories import make_post, make_staff
from tests.news.conftest import page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Post.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=3)},
        {"expires_at": timezone.now() - timedelta(minutes=1)},
    ],
    ids=["draft", "scheduled", "expired"],
)
def test_unpublished_posts_are_absent_from_every_list_and_404(client, fields):
    post = make_post(title="Not for the public", days_ago=10, **fields)
    post.tags.add("hidden-tag")

    assert client.get(post.get_absolute_url()).status_code == 404
    for url in [
        reverse("news:home"),
        reverse("news:post_list"),
        post.category.get_absolute_url(),
        reverse("news:year", kwargs={"year": post.created_at.year}),
    ]:
        assert "Not for the public" not in page(client, url), url
    assert client.get(reverse("news:tag", kwargs={"slug": "hidden-tag"})).status_code == 404


def test_scheduled_post_appears_by_itself_at_its_time(client):
    moment = timezone.now() + timedelta(hours=2)
    post = make_post(title="Embargoed report", published_at=moment)

    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        assert client.get(post.get_absolute_url()).status_code == 404
        assert "Embargoed report" not in page(client, reverse("news:home"))
    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        assert client.get(post.get_absolute_url()).status_code == 200
        assert "Embargoed report" in page(client, reverse("news:home"))


def test_expiry_takes_a_post_off_by_itself(client):
    ends = timezone.now() + timedelta(hours=1)
    post = make_post(title="Time-limited offer", expires_at=ends)

    assert "Time-limited offer" in page(client, reverse("news:home"))
    with time_machine.travel(ends + timedelta(seconds=1), tick=False):
        assert client.get(post.get_absolute_url()).status_code == 404
        assert "Time-limited offer" not in page(client, reverse("news:home"))


def test_staff_can_preview_a_draft_with_a_notice(client, django_user_model):
    post = make_post(status=Post.Status.DRAFT, title="Work in progress")
    client.force_login(make_staff(django_user_model, "Editors"))

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    assert "This post is draft: only staff can see it." in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "Leave a Reply" not in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_moderators_cannot_preview_drafts(client, django_user_model):
    post = make_post(status=Post.Status.DRAFT)
    client.force_login(make_staff(django_user_model, "Moderators"))
    assert client.get(post.get_absolute_url()).status_code == 404
