"""A draft's featured image is kept out of shared caches until its post is public."""

import pytest
from django.utils import timezone

from news.models import Post
from news.renditions import make_renditions, rendition_url
from tests.news.conftest import post_with_image, transparent_png

pytestmark = pytest.mark.django_db


def cache_parts(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_drafts_renditions_are_private_and_not_immutable(client):
    draft = post_with_image(transparent_png(), name="logo.png", status=Post.Status.DRAFT)

    for rendition in make_renditions(draft):
        response = client.get(rendition_url(rendition))
        assert response.status_code == 200
        assert "private" in cache_parts(response)
        assert not cache_parts(response) & {"public", "immutable", "max-age=31536000"}


def test_the_same_renditions_are_public_and_lasting_once_the_post_is_published(client):
    draft = post_with_image(transparent_png(), name="logo.png", status=Post.Status.DRAFT)
    renditions = make_renditions(draft)
    Post.objects.filter(pk=draft.pk).update(
        status=Post.Status.PUBLISHED, published_at=timezone.now()
    )

    for rendition in renditions:
        response = client.get(rendition_url(rendition))
        assert cache_parts(response) == {"public", "max-age=31536000", "immutable"}


def test_a_scheduled_posts_renditions_stay_private_until_it_is_out(client):
    later = timezone.now() + timezone.timedelta(days=2)
    scheduled = post_with_image(
        transparent_png(), name="logo.png", status=Post.Status.PUBLISHED, published_at=later
    )

    response = client.get(rendition_url(make_renditions(scheduled)[0]))

    assert "private" in cache_parts(response) and "public" not in cache_parts(response)
