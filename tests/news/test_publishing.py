"""Publishing, scheduling and unpublishing posts through news.services, whoever asks: the
bulk actions, and the post form's buttons (Save draft, Publish / Schedule / Update, Unpublish)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from freshness.models import ContentStamp
from news.models import Post
from news.revisions.record import PRIOR_STATE_NOTE, content, revisions_of
from news.services import publish, save_post, unpublish
from tests.factories import make_post, make_staff
from tests.news.conftest import add_post, change_post, form_data

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


# --- The post form's buttons ---------------------------------------------------------------


def in_days(days):
    """form_data's two fields for a publication date `days` from now, UK time."""
    local = timezone.localtime(timezone.now() + timedelta(days=days))
    return {"published_at_0": f"{local:%d/%m/%Y}", "published_at_1": f"{local:%H:%M:%S}"}


def change_page(client, post):
    return client.get(reverse("admin:news_post_change", args=[post.pk])).content.decode()


def test_save_draft_keeps_a_new_post_a_draft_stays_on_the_form_and_keeps_a_revision(client, editor):
    response = client.post(reverse("admin:news_post_add"), form_data(_draft="1"))

    post = Post.objects.get(slug="spring-update")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:news_post_change", args=[post.pk])
    assert (post.status, post.published_at) == (Post.Status.DRAFT, None)
    assert revisions_of(post.pk).count() == 1


def test_publish_publishes_now_revokes_preview_links_and_keeps_a_revision(client, editor):
    post = add_post(client, _draft="1")
    key = post.preview_key

    post = change_post(client, post, _publish="1")

    assert post.is_public and post.published_at <= timezone.now()
    assert post.preview_key != key
    assert [content(r)["status"] for r in revisions_of(post.pk)] == ["published", "draft"]


def test_publish_with_a_future_date_schedules(client, editor):
    post = add_post(client, _publish="1", **in_days(3))

    assert post.state == Post.State.SCHEDULED
    assert not Post.objects.published().filter(pk=post.pk).exists()


def test_update_and_a_save_without_a_button_keep_a_published_post_published(client, editor):
    post = add_post(client, _publish="1")
    key = post.preview_key

    post = change_post(client, post, title="Spring update, corrected", _publish="1")
    assert post.is_public and post.title == "Spring update, corrected"
    post = change_post(client, post, title="Spring update, again")  # Enter in a field

    assert post.is_public and post.preview_key == key  # the status never changed


def test_the_main_button_says_publish_schedule_or_update_as_the_post_stands(client, editor):
    add_page = client.get(reverse("admin:news_post_add")).content.decode()
    assert ">Save draft</button>" in add_page and ">Publish</button>" in add_page

    when = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0)
    scheduled = make_post(status=Post.Status.DRAFT, published_at=when)
    assert f">Schedule for {when:%-d %b %Y, %H:%M}</button>" in change_page(client, scheduled)

    published = change_page(client, make_post())
    assert ">Update</button>" in published and ">Unpublish</a>" in published
    assert "Save draft" not in published  # a published post is taken down with Unpublish


def test_the_schedule_label_follows_the_date_sent_when_the_form_has_mistakes(client, editor):
    response = client.post(reverse("admin:news_post_add"), form_data(title="", **in_days(2)))

    assert response.status_code == 200  # the form again, with the mistake beside its field
    assert ">Schedule for " in response.content.decode()
    assert not Post.objects.exists()


def test_unpublish_asks_first_then_takes_the_post_down_through_the_service(client, editor):
    post = make_post(title="Out there")
    key = post.preview_key
    url = reverse("admin:news_post_unpublish", args=[post.pk])
    assert f'href="{url}"' in change_page(client, post)

    asking = client.get(url)
    assert asking.status_code == 200 and b"Yes, unpublish" in asking.content
    assert Post.objects.get(pk=post.pk).is_public  # nothing happens until confirmed

    response = client.post(url, follow=True)

    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT and post.preview_key != key
    assert content(revisions_of(post.pk).first())["status"] == "draft"
    assert "was unpublished" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("admin:news_post_change", args=[post.pk])


def test_unpublishing_needs_the_change_permission_and_csrf(client, django_user_model):
    post = make_post()
    url = reverse("admin:news_post_unpublish", args=[post.pk])
    client.force_login(make_staff(django_user_model, "Moderators"))
    assert client.post(url).status_code == 403

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(make_staff(django_user_model, "Editors"))
    assert guarded.post(url).status_code == 403

    assert Post.objects.get(pk=post.pk).is_public
