"""The posts' admin: bulk publishing, the post list, and the post form."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from news.models import Category, Post
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db


def test_editors_publish_and_unpublish_in_bulk(client, django_user_model):
    drafts = [make_post(status=Post.Status.DRAFT) for _ in range(2)]
    client.force_login(make_staff(django_user_model, "Editors"))
    changelist = reverse("admin:news_post_changelist")

    client.post(changelist, {"action": "publish", "_selected_action": [p.pk for p in drafts]})
    assert Post.objects.published().count() == 2

    client.post(changelist, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    assert list(Post.objects.published()) == [drafts[1]]


def test_editor_creates_a_post_and_becomes_its_author(client, django_user_model):
    editor = make_staff(django_user_model, "Editors")
    client.force_login(editor)

    response = client.post(
        reverse("admin:news_post_add"),
        {
            "title": "Fresh news",
            "slug": "fresh-news",
            "body": "Hello.",
            "_publish": "Publish",
            "category": Category.objects.get(slug="news").pk,
            "author": editor.pk,
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    post = Post.objects.get(slug="fresh-news")
    assert post.author == editor and post.is_public
    assert (
        client.get(reverse("admin:news_post_add")).context["adminform"].form.initial["author"]
        == editor.pk
    )


def test_post_list_shows_state_and_category_to_editors_but_not_reply_counts(
    client, django_user_model
):
    post = make_post(title="Discussed")
    make_comment(post, status=Comment.Status.PENDING)
    make_post(title="Later", published_at=timezone.now() + timedelta(days=2))
    client.force_login(make_staff(django_user_model, "Editors"))

    response = client.get(reverse("admin:news_post_changelist"))

    html = response.content.decode()
    assert "Scheduled" in html and "Discussed" in html
    # Replies waiting are moderators' business.
    assert "Pending replies" not in html and "Approved replies" not in html
    assert (
        client.get(reverse("admin:news_post_changelist"), {"state": "scheduled"})
        .context["cl"]
        .result_count
        == 1
    )


def _editor_who_moderates(django_user_model):
    user = make_staff(django_user_model, "Editors", "both")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.mark.parametrize("who", ["editor who moderates", "superuser"])
def test_post_list_shows_reply_counts_to_those_who_see_replies(client, django_user_model, who):
    if who == "superuser":
        user = django_user_model.objects.create_superuser("boss", password="x" * 12)
    else:
        user = _editor_who_moderates(django_user_model)
    post = make_post(title="Discussed")
    make_comment(post, status=Comment.Status.PENDING)
    make_comment(post, status=Comment.Status.PENDING)
    make_comment(post)
    client.force_login(user)

    response = client.get(reverse("admin:news_post_changelist"))

    html = response.content.decode()
    assert "Pending replies" in html and "Approved replies" in html
    assert '<td class="field-pending_replies">2</td>' in html  # the one post's row
    assert '<td class="field-approved_replies">1</td>' in html


def test_post_list_queries_do_not_grow_with_posts_or_replies(client, django_user_model):
    client.force_login(_editor_who_moderates(django_user_model))

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:news_post_changelist")).status_code == 200
        return len(captured)

    make_comment(make_post())
    few = queries_for_list()
    for _ in range(10):
        post = make_post()
        make_comment(post, status=Comment.Status.PENDING)
        make_comment(post)

    assert queries_for_list() == few


def test_tags_are_separated_by_commas_only(client, django_user_model):
    editor = make_staff(django_user_model, "Editors")
    client.force_login(editor)
    client.post(
        reverse("admin:news_post_add"),
        {
            "title": "Tagged",
            "slug": "tagged",
            "body": "<p>Hello.</p>",
            "tags": "Peer support, Recovery colleges,recovery colleges",
            "status": "draft",
            "category": Category.objects.get(slug="news").pk,
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    post = Post.objects.get(slug="tagged")
    assert sorted(post.tags.names()) == ["Peer support", "Recovery colleges"]


def test_the_post_form_says_which_time_zone_its_dates_are_in(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Editors"))
    html = client.get(reverse("admin:news_post_add")).content.decode()
    assert "Publishing (times are UK time, Europe/London)" in html
    assert html.count("UK time") >= 4  # publication, take-down, event start and end
