"""A post's history: a revision kept at each change, listed, compared, and who may see it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from news.revisions.diff import diff_revisions
from news.revisions.record import PRIOR_STATE_NOTE, content, record_revision, revisions_of
from tests.factories import make_document, make_post, make_staff
from tests.news.conftest import add_post, change_post, history_url

pytestmark = pytest.mark.django_db


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

    first, second = revisions_of(post.pk).order_by("date_created", "pk")
    assert first.user == second.user == editor
    assert content(first)["title"] == "Spring update"
    assert content(second)["title"] == "Spring update, revised"
    # Saved with the form's inlines and tags, not before them.
    assert content(second)["tags"] == ["colleges", "recovery"]
    assert content(second)["papers"] == [{"id": paper.pk, "title": "Business case"}]
    assert content(second)["category"]["name"] == "News"


def test_saving_without_changes_keeps_no_new_revision(client, editor):
    post = add_post(client, tags="one")
    change_post(client, post)
    change_post(client, post)
    assert revisions_of(post.pk).count() == 1


def test_first_edit_of_a_post_made_elsewhere_keeps_its_earlier_state(client, editor):
    post = make_post(title="From the demo loader")

    change_post(client, post, title="Edited in the admin")

    before, after = revisions_of(post.pk).order_by("date_created", "pk")
    assert content(before)["title"] == "From the demo loader"
    assert before.user is None and before.comment == PRIOR_STATE_NOTE
    assert content(after)["title"] == "Edited in the admin"


def test_bulk_publishing_keeps_a_revision(client, editor):
    post = add_post(client)

    client.post(
        reverse("admin:news_post_changelist"), {"action": "publish", "_selected_action": [post.pk]}
    )

    latest = revisions_of(post.pk).first()
    assert content(latest)["status"] == "published" and latest.user == editor
    assert content(latest)["published_at"]


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
    only = revisions_of(post.pk).get()

    response = client.get(history_url("revisions_compare", post), {"a": only.pk, "b": only.pk})

    assert response.status_code == 302 and response["Location"] == history_url("revisions", post)
