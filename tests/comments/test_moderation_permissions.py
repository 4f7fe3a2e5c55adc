"""Who moderates replies in the admin, and what moderators can and cannot see or do."""

import pytest
from django.urls import reverse

from comments.models import Comment
from news.models import Post
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db


def test_moderation_list_shows_pending_first_with_the_count(client, django_user_model):
    post = make_post()
    make_comment(post, text="Old approved")
    make_comment(post, text="Waiting one", status=Comment.Status.PENDING)
    make_comment(post, text="Newest approved")
    client.force_login(make_staff(django_user_model, "Moderators"))

    html = client.get(reverse("admin:comments_comment_changelist")).content.decode()

    assert 'Pending <span class="count">(1)</span>' in html
    assert html.index("Waiting one") < html.index("Newest approved") < html.index("Old approved")


@pytest.mark.parametrize(
    "action, start, end",
    [
        ("approve", Comment.Status.PENDING, Comment.Status.APPROVED),
        ("mark_spam", Comment.Status.PENDING, Comment.Status.SPAM),
        ("unapprove", Comment.Status.APPROVED, Comment.Status.PENDING),
    ],
)
def test_moderators_bulk_actions(client, django_user_model, action, start, end):
    post = make_post()
    chosen = [make_comment(post, status=start) for _ in range(2)]
    untouched = make_comment(post, status=start)
    moderator = make_staff(django_user_model, "Moderators")
    client.force_login(moderator)

    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": action, "_selected_action": [c.pk for c in chosen]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 replies" in response.content.decode()
    for comment in chosen:
        comment.refresh_from_db()
        assert comment.status == end and comment.moderated_by == moderator
    untouched.refresh_from_db()
    assert untouched.status == start


def test_approved_reply_appears_on_the_site(client, django_user_model):
    post = make_post()
    comment = make_comment(post, status=Comment.Status.PENDING, text="Worth waiting for")
    client.force_login(make_staff(django_user_model, "Moderators"))
    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    client.logout()
    assert "Worth waiting for" in client.get(post.get_absolute_url()).content.decode()


def test_editors_cannot_moderate(client, django_user_model):
    comment = make_comment(make_post(), status=Comment.Status.PENDING)
    client.force_login(make_staff(django_user_model, "Editors"))

    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_pending_count_shows_in_the_admin_header_for_moderators_only(client, django_user_model):
    post = make_post()
    for _ in range(3):
        make_comment(post, status=Comment.Status.PENDING)

    client.force_login(make_staff(django_user_model, "Moderators"))
    assert "3 comments awaiting moderation" in client.get(reverse("admin:index")).content.decode()

    client.force_login(make_staff(django_user_model, "Editors"))
    assert "awaiting moderation" not in client.get(reverse("admin:index")).content.decode()


def test_moderators_see_no_draft_titles_and_change_status_only_through_actions(
    client, django_user_model
):
    draft = make_post(title="Secret embargoed announcement", status=Post.Status.DRAFT)
    assert draft.comments.count() == 0
    comment = make_comment(make_post(title="Public post"), status=Comment.Status.PENDING)
    client.force_login(make_staff(django_user_model, "Moderators"))

    queue = client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert "Secret embargoed announcement" not in queue

    form = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert "status" not in form.context["adminform"].form.fields
