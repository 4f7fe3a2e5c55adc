"""The posts' admin: bulk publishing, the post list, and the post form (its words, fields
and the message after saving)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from news.admin_publishing import ADVANCED_TITLE
from news.models import Category, Post
from news.preview import read_preview_token
from tests.factories import make_comment, make_post, make_staff
from tests.news.conftest import form_data

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


def saved_message(response) -> str:
    return next(iter(response.context["messages"])).message


def test_the_message_after_saving_links_to_the_public_post_or_its_preview(client, editor):
    add = reverse("admin:news_post_add")
    response = client.post(add, form_data(title="<b>Bold</b> news", _publish="1"), follow=True)
    post = Post.objects.get()
    message = saved_message(response)
    assert message.startswith("The post “\u2068&lt;b&gt;Bold&lt;/b&gt; news\u2069” was added")
    assert f'<a href="{post.get_absolute_url()}"' in message and "View post" in message

    response = client.post(add, form_data(slug="a-draft", _draft="1"), follow=True)
    message = saved_message(response)
    assert "was added as a draft" in message and "Preview it" in message
    token = message.split('href="/preview/', 1)[1].split("/", 1)[0]
    assert read_preview_token(token)["post"] == Post.objects.get(slug="a-draft").pk


def test_the_post_pages_speak_plain_words(client, editor):
    changelist = client.get(reverse("admin:news_post_changelist")).content.decode()
    assert "<h1>Posts</h1>" in changelist and "Select post to change" not in changelist
    assert ">New post</a>" in changelist

    add = client.get(reverse("admin:news_post_add")).content.decode()
    assert "<h1>New post</h1>" in add and "Add post" not in add
    assert ">Web address:</label>" in add and ">Slug:</label>" not in add
    assert 'data-prefix="http://testserver/news/"' in add  # the full address, beside it
    assert ">Tags:</label>" in add

    change = client.get(reverse("admin:news_post_change", args=[make_post().pk]))
    assert "<h1>Edit post</h1>" in change.content.decode()


def test_category_and_author_pickers_offer_no_change_or_delete(client, editor):
    html = client.get(reverse("admin:news_post_add")).content.decode()

    for field in ("category", "author"):
        assert f"change_id_{field}" not in html and f"delete_id_{field}" not in html
    assert 'id="id_category"' in html and 'id="id_author"' in html


def test_advanced_fields_are_folded_under_a_heading_that_says_what_is_inside(client, editor):
    html = client.get(reverse("admin:news_post_add")).content.decode()
    folded = html.split("<details>", 1)[1].split("</details>", 1)[0]
    assert ADVANCED_TITLE in folded
    for field in ("slug", "excerpt", "sticky", "comments_open", "expires_at"):
        assert f'name="{field}' in folded
    assert "pin to the top of the home page" in folded.lower()
    assert 'name="status"' not in html  # the buttons set it

    # A mistake in a folded field is shown open, beside the field.
    response = client.post(reverse("admin:news_post_add"), form_data(slug="2024"))
    html = response.content.decode()
    assert "<details>" not in html and ADVANCED_TITLE in html
    assert "An address of digits only would clash with the yearly archives." in html


def test_event_fields_are_marked_for_showing_only_with_events(client, editor):
    html = client.get(reverse("admin:news_post_add")).content.decode()

    assert 'class="module aligned post-event-fields"' in html
    assert f'data-events-category="{Category.objects.get(slug="events").pk}"' in html


def test_an_events_mistake_is_shown_beside_its_field_and_nothing_typed_is_lost(client, editor):
    events = Category.objects.get(slug="events").pk
    data = form_data(title="Open day", category=events, body="<p>Kept words.</p>", _publish="1")

    response = client.post(reverse("admin:news_post_add"), data)

    assert response.status_code == 200 and not Post.objects.exists()
    html = response.content.decode()
    fieldset = html.split('class="module aligned post-event-fields"', 1)[1].split("</fieldset>")[0]
    assert "An event needs a start date and time." in fieldset  # post-form.js keeps it shown
    assert 'value="Open day"' in html and "Kept words." in html


def test_a_post_pinned_in_the_form_is_pinned(client, editor):
    response = client.post(
        reverse("admin:news_post_add"), form_data(sticky="on", _publish="1"), follow=True
    )
    assert response.status_code == 200
    assert Post.objects.get(slug="spring-update").sticky
