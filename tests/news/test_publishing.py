"""Publishing, scheduling and unpublishing posts through news.services, whoever asks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from freshness.models import ContentStamp
from news.models import Post
from news.revisions.record import PRIOR_STATE_NOTE, content, revisions_of
from news.services import publish, save_post, unpublish
from tests.factories import make_post, make_staff

pytestmark = pytest.mark.django_db


def test_publish_dates_undated_drafts_now_and_keeps_the_dates_staff_chose():
    undated = make_post(status=Post.Status.DRAFT)
    chosen = timezone.now() - timedelta(days=3)
    dated = make_post(status=Post.Status.DRAFT, published_at=chosen)

    count = publish(Post.objects.filter(pk__in=[undated.pk, dated.pk]), by=None)

    assert count == 2
    undated.refresh_from_db()
    dated.refresh_from_db()
    assert undated.is_public and undated.published_at <= timezone.now()
    assert dated.is_public and dated.published_at == chosen


def test_publishing_at_a_future_time_schedules():
    post = make_post(status=Post.Status.DRAFT)
    later = timezone.now() + timedelta(days=2)

    assert publish([post], by=None, at=later) == 1

    post.refresh_from_db()
    assert post.state == "scheduled" and post.published_at == later
    assert not Post.objects.published().filter(pk=post.pk).exists()


def test_unpublish_takes_posts_back_to_draft_and_counts_them():
    posts = [make_post(), make_post()]

    assert unpublish(posts, by=None) == 2

    assert set(Post.objects.filter(status=Post.Status.DRAFT)) == set(posts)


@pytest.mark.parametrize("action", [publish, unpublish])
def test_publishing_and_unpublishing_revoke_preview_links(action):
    post = make_post(status=Post.Status.DRAFT)
    before = post.preview_key

    action([post], by=None)

    post.refresh_from_db()
    assert post.preview_key != before


def test_each_post_keeps_its_state_before_and_after_with_who_changed_it(django_user_model):
    editor = make_staff(django_user_model, "Editors")
    post = make_post(status=Post.Status.DRAFT, title="Made elsewhere")

    publish([post], by=editor)

    before, after = revisions_of(post.pk).order_by("date_created", "pk")
    assert (before.user, before.comment, content(before)["status"]) == (
        None,
        PRIOR_STATE_NOTE,
        "draft",
    )
    assert (after.user, content(after)["status"]) == (editor, "published")


def test_publishing_makes_every_page_fresh():
    post = make_post(status=Post.Status.DRAFT)
    ContentStamp.objects.update(changed_at=timezone.now() - timedelta(days=1))
    started = timezone.now()

    publish([post], by=None)

    assert ContentStamp.objects.get().changed_at >= started


def test_a_save_revokes_preview_links_only_when_the_status_changes():
    post = make_post(status=Post.Status.DRAFT)
    first = post.preview_key

    post.title = "Edited"
    save_post(post, by=None)
    assert Post.objects.get(pk=post.pk).preview_key == first

    post.status = Post.Status.PUBLISHED
    save_post(post, by=None)
    assert Post.objects.get(pk=post.pk).preview_key != first


@pytest.mark.parametrize("how", ["the post's delete page", "the delete action"])
def test_deleting_a_post_in_the_admin_deletes_its_history_too(client, editor, how):
    """As when history was a table of news: nothing of a deleted post stays behind."""
    post = make_post(status=Post.Status.DRAFT)
    kept = make_post(status=Post.Status.DRAFT)
    publish([post, kept], by=editor)
    assert revisions_of(post.pk).exists() and revisions_of(kept.pk).exists()
    if how == "the delete action":
        response = client.post(
            reverse("admin:news_post_changelist"),
            {"action": "delete_selected", "_selected_action": [post.pk], "post": "yes"},
        )
    else:
        response = client.post(reverse("admin:news_post_delete", args=[post.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not revisions_of(post.pk).exists()
    assert revisions_of(kept.pk).exists()
