from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from news.models import Category, Post, PostRevision
from news.revisions import NOTE_KEY, diff_revisions, record_revision, restore_revision
from tests.factories import make_document, make_post, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = make_staff(django_user_model, "Editors")
    client.force_login(user)
    return user


def form_data(post=None, **changes):
    """The post's change form as the admin posts it back, with `changes` made to it."""
    data = {
        "title": "Spring update",
        "slug": "spring-update",
        "category": Category.objects.get(slug="news").pk,
        "tags": "",
        "body": "<p>First paragraph.</p><p>Second paragraph.</p>",
        "signature": "",
        "excerpt": "",
        "image_alt": "",
        "status": "draft",
        "event_location": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    if post is not None:
        data.update(
            title=post.title,
            slug=post.slug,
            category=post.category_id,
            tags=", ".join(sorted(post.tags.names())),
            body=post.body,
            status=post.status,
            author=post.author_id or "",
        )
        if post.published_at:
            local = timezone.localtime(post.published_at)
            data.update(published_at_0=f"{local:%d/%m/%Y}", published_at_1=f"{local:%H:%M:%S}")
        attachments = list(post.attachments.all())
        data.update({"attachments-TOTAL_FORMS": len(attachments)})
        data.update({"attachments-INITIAL_FORMS": len(attachments)})
        for number, attachment in enumerate(attachments):
            prefix = f"attachments-{number}-"
            data.update(
                {
                    f"{prefix}id": attachment.pk,
                    f"{prefix}post": post.pk,
                    f"{prefix}document": attachment.document_id,
                    f"{prefix}position": attachment.position,
                }
            )
    return {**data, **changes}


def add_post(client, **changes) -> Post:
    response = client.post(reverse("admin:news_post_add"), form_data(**changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Post.objects.latest("created_at")


def change_post(client, post, **changes) -> Post:
    post.refresh_from_db()
    response = client.post(
        reverse("admin:news_post_change", args=[post.pk]), form_data(post, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post.refresh_from_db()
    return post


def history_url(name, post, *args):
    return reverse(f"admin:news_post_{name}", args=[post.pk, *args])


# --- Recording ----------------------------------------------------------------------------


def test_every_admin_save_keeps_a_revision_with_tags_and_papers(client, editor):
    paper = make_document(title="Business case")
    post = add_post(
        client,
        tags="recovery, colleges",
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-document": paper.pk,
            "attachments-0-position": "0",
        },
    )
    change_post(client, post, title="Spring update, revised")

    first, second = post.revisions.order_by("created_at", "pk")
    assert first.created_by == second.created_by == editor
    assert first.content["title"] == "Spring update"
    assert second.content["title"] == "Spring update, revised"
    # Saved with the form's inlines and tags, not before them.
    assert second.content["tags"] == ["colleges", "recovery"]
    assert second.content["papers"] == [{"id": paper.pk, "title": "Business case"}]
    assert second.content["category"]["name"] == "News"


def test_saving_without_changes_keeps_no_new_revision(client, editor):
    post = add_post(client, tags="one")
    change_post(client, post)
    change_post(client, post)
    assert post.revisions.count() == 1


def test_first_edit_of_a_post_made_elsewhere_keeps_its_earlier_state(client, editor):
    post = make_post(title="From the demo loader")

    change_post(client, post, title="Edited in the admin")

    before, after = post.revisions.order_by("created_at", "pk")
    assert before.content["title"] == "From the demo loader"
    assert before.created_by is None and NOTE_KEY in before.content
    assert after.content["title"] == "Edited in the admin"


def test_bulk_publishing_keeps_a_revision(client, editor):
    post = add_post(client)

    client.post(
        reverse("admin:news_post_changelist"), {"action": "publish", "_selected_action": [post.pk]}
    )

    latest = post.revisions.first()
    assert latest.content["status"] == "published" and latest.created_by == editor
    assert latest.content["published_at"]


# --- Comparing ----------------------------------------------------------------------------


def test_compare_shows_the_changed_words_escaped(client, editor):
    post = add_post(client, title="<script>alert(1)</script> Old news")
    change_post(client, post, title="<script>alert(1)</script> Good news")

    response = client.get(history_url("revisions_compare", post))

    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <del>Old</del><ins>Good</ins> news" in html
    assert "<script>alert(1)" not in html


def test_body_diff_is_line_by_line_and_marks_only_what_changed():
    post = make_post(body="<p>Keep this.</p><p>The meeting is on Monday.</p><p>Also kept.</p>")
    older = record_revision(post, by=None)
    post.body = "<p>Keep this.</p><p>The meeting is on Tuesday.</p><p>Also kept.</p><p>New.</p>"
    post.save()
    newer = record_revision(post, by=None)

    [change] = diff_revisions(older, newer)

    assert change.name == "body"
    lines = change.diff.split("</div>")
    assert '<div class="diff-line diff-same">&lt;p&gt;Keep this.&lt;/p&gt;' in lines[0]
    assert "The meeting is on <del>Monday</del><ins>Tuesday</ins>." in lines[1]
    assert '<div class="diff-line diff-added"><ins>&lt;p&gt;New.&lt;/p&gt;</ins>' in change.diff


def test_history_lists_versions_with_authors_and_what_changed(client, editor):
    post = add_post(client)
    change_post(client, post, body="<p>Another body.</p>")

    html = client.get(history_url("revisions", post)).content.decode()

    assert html.count('type="radio" name="a"') == 2
    assert "Body" in html and editor.get_username() in html
    assert "Restore this version" in html
    client_change = client.get(reverse("admin:news_post_change", args=[post.pk]))
    assert history_url("revisions", post) in client_change.content.decode()


# --- Restoring ----------------------------------------------------------------------------


def test_restore_brings_back_title_body_and_tags(client, editor):
    post = add_post(client, title="Original", body="<p>Original body.</p>", tags="alpha, beta")
    original = post.revisions.get()
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
    latest = post.revisions.first()
    assert latest.content[NOTE_KEY].startswith("Restored from the version of")
    assert post.revisions.count() == 3


def test_restore_keeps_both_addresses_working(client, editor):
    post = add_post(client, slug="first-address", status="published")
    original = post.revisions.get()
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
    original = post.revisions.get()
    post.attachments.all().delete()
    gone.delete()
    record_revision(post, by=editor)

    plan = restore_revision(original, by=editor)

    assert plan.notes == ["The paper “Gone paper” has been deleted since: it is left out."]
    assert [a.document for a in post.attachments.all()] == [kept]


def test_restore_that_breaks_todays_rules_changes_nothing(client, editor):
    events = Category.objects.get(slug="events")
    post = add_post(client, title="Was news")
    original = post.revisions.get()
    PostRevision.objects.filter(pk=original.pk).update(
        content={**original.content, "category": {"id": events.pk, "name": events.name}}
    )

    response = client.post(history_url("revision_restore", post, original.pk), follow=True)

    assert "Not restored: An event needs a start date and time." in response.content.decode()
    post.refresh_from_db()
    assert post.category.slug == "news" and post.revisions.count() == 1


# --- Who may ------------------------------------------------------------------------------


def test_moderators_can_neither_see_nor_restore_history(client, django_user_model):
    post = make_post()
    revision = record_revision(post, by=None)
    client.force_login(make_staff(django_user_model, "Moderators"))

    for url in [
        history_url("revisions", post),
        history_url("revisions_compare", post),
        history_url("revision_restore", post, revision.pk),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(history_url("revision_restore", post, revision.pk)).status_code == 403


def test_viewing_history_needs_view_and_restoring_needs_change(client, django_user_model):
    post = make_post(title="Now")
    old = record_revision(post, by=None)
    post.title = "Later"
    post.save()
    record_revision(post, by=None)
    reader = django_user_model.objects.create_user(username="reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_post"))
    client.force_login(reader)

    assert client.get(history_url("revisions", post)).status_code == 200
    assert "Restore this version" not in client.get(history_url("revisions", post)).content.decode()
    assert client.get(history_url("revisions_compare", post)).status_code == 200
    assert client.post(history_url("revision_restore", post, old.pk)).status_code == 403
    post.refresh_from_db()
    assert post.title == "Later"


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    post = make_post()
    response = client.get(history_url("revisions", post))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_compare_refuses_revisions_of_another_post(client, editor):
    post, other = make_post(), make_post()
    mine = record_revision(post, by=None)
    theirs = record_revision(other, by=None, at=timezone.now() - timedelta(minutes=1))

    response = client.get(history_url("revisions_compare", post), {"a": theirs.pk, "b": mine.pk})

    assert response.status_code == 404


def test_comparing_a_version_with_itself_goes_back_to_the_history(client, editor):
    post = add_post(client)
    only = post.revisions.get()

    response = client.get(history_url("revisions_compare", post), {"a": only.pk, "b": only.pk})

    assert response.status_code == 302 and response["Location"] == history_url("revisions", post)


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
