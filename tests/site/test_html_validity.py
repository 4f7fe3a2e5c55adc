"""Every kind of public page is valid HTML, checked by the W3C's Nu validator (vnu)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from comments.models import Comment
from comments.moderation_links import action_url
from comments.views import busy_reply_page
from documents.models import Document
from imroc_site.views import database_unavailable
from news.models import Post
from tests.factories import make_post, make_staff
from tests.site.conftest import assert_valid_html, needs_the_validator

pytestmark = [pytest.mark.django_db, *needs_the_validator]


def public_pages(client, settings):
    call_command("load_demo_content", verbosity=0)
    settings.DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL = "access@example.org"
    # A paper with everything its page can show: first-page images, problems, its posts.
    paper = Document.objects.public().filter(attachments__isnull=False).first()
    paper.page_count = 12
    paper.previews = [
        {"width": width, "height": width * 1414 // 1000, "name": f"previews/{width}.{kind}"}
        for width in (240, 480)
        for kind in ("webp", "png")
    ]
    paper.accessibility = {"problems": ["Its images have no text descriptions."]}
    paper.save()
    post = Post.objects.get(slug="recovery-the-business-case-and-co-production")
    event = Post.objects.get(slug="recovery-college-open-day")
    pictured = Post.objects.exclude(image="").first()
    invalid_reply = client.post(
        reverse("comments:post", kwargs={"post_id": post.pk}),
        {"name": "", "email": "bad", "text": "Kept"},
    ).content  # the post page again, with the reply form showing its errors
    pages = {
        "home": reverse("news:home"),
        "listing": reverse("news:post_list"),
        "category": reverse("news:category", kwargs={"slug": "news"}),
        "events": reverse("news:category", kwargs={"slug": "events"}),
        "tag": reverse("news:tag", kwargs={"slug": "recovery"}),
        "year": reverse("news:year", kwargs={"year": 2014}),
        "month": reverse("news:month", kwargs={"year": 2014, "month": 3}),
        "post": post.get_absolute_url(),
        "event": event.get_absolute_url(),
        "pictured": pictured.get_absolute_url(),
        "search": reverse("news:search") + "?q=recovery",
        "search-empty": reverse("news:search"),
        "library": reverse("documents:library"),
        "library-search": reverse("documents:library") + "?q=recovery&sort=title",
        "library-empty": reverse("documents:library") + "?q=zebra",
        "paper": paper.get_absolute_url(),
        "not-found": "/no/such/page/",
    }
    bodies = {name: client.get(url).content for name, url in pages.items()}
    bodies["reply-errors"] = invalid_reply
    bodies.update(discussion_pages(client))
    return bodies


def discussion_pages(client) -> dict[str, bytes]:
    """The privacy notice, a closed discussion and the page a moderator's email link opens."""
    closed = make_post(comments_open=False)
    moderator = make_staff(get_user_model(), "Moderators", username="validator-moderator")
    assert Group.objects.filter(name="Moderators").exists()
    pending = Comment.objects.filter(status=Comment.Status.PENDING).first()
    return {
        "privacy": client.get(reverse("privacy")).content,
        "closed-post": client.get(closed.get_absolute_url()).content,
        "closed-refusal": client.post(
            reverse("comments:post", kwargs={"post_id": closed.pk}), {"text": "x"}
        ).content,
        **moderation_pages(moderator, pending),
        **fault_pages(client, closed),
    }


def moderation_pages(moderator, pending) -> dict[str, bytes]:
    """The pages an email's link opens for the moderator it was sent to, signed in."""
    signed_in = Client()
    signed_in.force_login(moderator)
    return {
        "email-confirm": signed_in.get(action_url(pending, "approve", moderator)).content,
        "email-refused": signed_in.get(
            reverse("comments:moderate_from_email", args=["bad"])
        ).content,
    }


def fault_pages(client, post) -> dict[str, bytes]:
    """The pages of faults: a refused Host, a database busy for a page and for a reply."""
    reply = RequestFactory().post("/", {"name": "Sam", "email": "", "text": "Kept <words>"})
    return {
        "bad-request": client.get("/", HTTP_HOST="attacker.example").content,
        "database-busy": database_unavailable(RequestFactory().get("/")).content,
        "reply-busy": busy_reply_page(reply, post.pk).content,
    }


def test_every_kind_of_public_page_is_valid_html(client, settings, tmp_path):
    assert_valid_html(public_pages(client, settings), tmp_path)
