"""Restoring an earlier revision of a post, and what cannot come back."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from news.models import Category, Post
from news.revisions.record import record_revision, revisions_of
from news.revisions.restore import restore_revision
from tests.factories import make_document, make_post
from tests.news.conftest import add_post, change_post, history_url

pytestmark = pytest.mark.django_db


# --- Restoring ----------------------------------------------------------------------------


def test_restore_brings_back_title_body_and_tags(client, editor):
    post = add_post(client, title="Original", body="<p>Original body.</p>", tags="alpha, beta")
    original = revisions_of(post.pk).get()
    change_post(client, post, title="Rewritten", body="<p>New body.</p>", tags="gamma")

    confirm = client.get(history_url("revision_restore", post, original.pk))
    assert confirm.status_code == 200
    assert "<del>Rewritten</del><ins>Original</ins>" in confirm.content.decode()
    assert Post.objects.get(pk=post.pk).title == "Rewritten"  # nothing changes before POST

    response = client.post(history_url("revision_restore", post, original.pk))

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Original" and post.body == "<p>Original body.</p>"
    assert sorted(post.tags.names()) == ["alpha", "beta"]
    latest = revisions_of(post.pk).first()
    assert latest.comment.startswith("Restored from the version of")
    assert revisions_of(post.pk).count() == 3


def test_restore_keeps_both_addresses_working(client, editor):
    post = add_post(client, slug="first-address", _publish="Publish")
    original = revisions_of(post.pk).get()
    change_post(client, post, slug="second-address")

    client.post(history_url("revision_restore", post, original.pk))
    client.logout()

    post.refresh_from_db()
    assert post.slug == "first-address"
    assert client.get(post.get_absolute_url()).status_code == 200
    moved = client.get(reverse("news:post_detail", kwargs={"slug": "second-address"}))
    assert moved.status_code == 301 and moved["Location"] == post.get_absolute_url()


def test_restore_leaves_out_papers_deleted_since_and_says_so(client, editor):
    kept, gone = make_document(title="Kept paper"), make_document(title="Gone paper", name="g.pdf")
    post = add_post(
        client,
        **{
            "attachments-TOTAL_FORMS": "2",
            "attachments-0-document": gone.pk,
            "attachments-0-position": "0",
            "attachments-1-document": kept.pk,
            "attachments-1-position": "1",
        },
    )
    original = revisions_of(post.pk).get()
    post.attachments.all().delete()
    gone.delete()
    record_revision(post, by=editor)

    plan = restore_revision(original, by=editor)

    assert plan.notes == ["The paper “Gone paper” has been deleted since: it is left out."]
    assert [a.document for a in post.attachments.all()] == [kept]


def test_restore_that_breaks_todays_rules_changes_nothing(client, editor):
    events = Category.objects.get(slug="events")
    post = add_post(client, title="Was news")
    original = revisions_of(post.pk).get()
    # The revision as if kept while the post was in Events.
    versions = original.version_set
    post_version = versions.get(content_type=ContentType.objects.get_for_model(Post))
    [row] = json.loads(post_version.serialized_data)
    row["fields"]["category"] = events.pk
    post_version.serialized_data = json.dumps([row])
    post_version.save()
    versions.filter(content_type=ContentType.objects.get_for_model(Category)).update(
        object_id=str(events.pk),
        serialized_data=json.dumps(
            [{"model": "news.category", "pk": events.pk, "fields": {"name": events.name}}]
        ),
    )

    response = client.post(history_url("revision_restore", post, original.pk), follow=True)

    assert "Not restored: An event needs a start date and time." in response.content.decode()
    post.refresh_from_db()
    assert post.category.slug == "news" and revisions_of(post.pk).count() == 1


def test_restoring_an_old_version_does_not_republish_a_post_taken_down():
    post = make_post(title="Was public")
    first = record_revision(post, by=None)
    post.title, post.status = "Taken down", Post.Status.DRAFT
    post.save()
    record_revision(post, by=None)

    plan = restore_revision(first, by=None)

    post.refresh_from_db()
    assert post.title == "Was public" and post.status == Post.Status.DRAFT
    assert any("published stays as it is" in note for note in plan.notes)
