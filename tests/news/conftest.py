"""Shared by the news tests: an editor signed in, and the post form as the admin posts it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Category, Post
from tests.factories import make_staff


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
