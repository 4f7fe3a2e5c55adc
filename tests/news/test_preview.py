from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from news.models import Attachment, Post
from news.preview import make_preview_token, preview_path
from news.services import publish, unpublish
from tests.factories import attach, make_comment, make_document, make_post, make_staff
from tests.news.conftest import form_data, photo, upload

pytestmark = pytest.mark.django_db


def draft(**fields):
    return make_post(status=Post.Status.DRAFT, **fields)


def test_preview_link_shows_a_draft_without_logging_in(client):
    post = draft(title="Coming soon", body="<p>Next month’s <strong>news</strong>.</p>")

    response = client.get(preview_path(post))

    assert response.status_code == 200
    assert response.templates[0].name == "news/post_detail.html"
    html = response.content.decode()
    assert "<h1><bdi>Coming soon</bdi></h1>" in html
    assert "<strong>news</strong>" in html
    assert "Preview: this is how the post will look" in html
    assert "only staff can see it" not in html


def test_preview_is_never_cached_indexed_or_passed_on(client):
    response = client.get(preview_path(draft()))

    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_preview_of_a_scheduled_post_never_offers_the_reply_form(client):
    post = make_post(days_ago=-3)  # published, but three days from now
    make_comment(post, text="Should not show")

    html = client.get(preview_path(post)).content.decode()

    assert post.state == "scheduled"
    assert "Leave a Reply" not in html
    assert "Should not show" not in html


def test_preview_link_expires(client, settings):
    settings.PREVIEW_LINK_DAYS = 2
    path = preview_path(draft())

    with time_machine.travel(timezone.now() + timedelta(days=1, hours=23)):
        assert client.get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_preview_link_lasts_seven_days_by_default(client, settings):
    settings.PREVIEW_LINK_DAYS = 7  # the default the settings write, whatever the environment says
    path = preview_path(draft())

    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert client.get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(path).status_code == 404


def test_tampered_or_foreign_tokens_are_404(client):
    post = draft()
    other = draft()
    token = make_preview_token(post)
    # Another post's payload under this post's timestamp and signature.
    forged = make_preview_token(other).split(":")[0] + token[token.index(":") :]
    with_another_salt = signing.dumps({"post": other.pk}, salt="something.else")

    for bad in [token[:-1] + ("A" if token[-1] != "A" else "B"), forged, with_another_salt, "x"]:
        response = client.get(reverse("news:preview", kwargs={"token": bad}))
        assert response.status_code == 404, bad


def test_preview_of_a_deleted_post_is_404(client):
    post = draft()
    path = preview_path(post)
    post.delete()
    assert client.get(path).status_code == 404


def test_preview_of_a_post_published_since_goes_to_its_page(client):
    post = draft()
    path = preview_path(post)
    post.status = Post.Status.PUBLISHED
    post.save()

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert response["Cache-Control"] == "private, no-store"


def test_preview_shows_the_latest_save(client):
    post = draft(title="First title")
    path = preview_path(post)
    post.title = "Second title"
    post.save()
    assert "Second title" in client.get(path).content.decode()


def test_preview_queries_do_not_grow_with_papers_or_tags(client):
    def queries_for(post):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(preview_path(post)).status_code == 200
        return len(queries)

    small = draft()
    attach(small, make_document(title="One"))
    small.tags.add("alpha")
    large = draft()
    attach(large, *(make_document(title=f"Paper {n}", name=f"p{n}.pdf") for n in range(4)))
    large.tags.add("alpha", "beta", "gamma")

    assert queries_for(small) == queries_for(large) <= 4


def test_change_form_offers_preview_and_share_link_for_drafts_only(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Editors"))
    unpublished = draft()
    published = make_post()

    html = client.get(reverse("admin:news_post_change", args=[unpublished.pk])).content.decode()
    assert "Share a preview link" in html
    assert "UK time, Europe/London" in html
    link = html.split('id="preview-link" class="vURLField" value="', 1)[1].split('"', 1)[0]
    assert link.startswith("http://testserver/preview/")

    client.logout()
    assert client.get(link.removeprefix("http://testserver")).status_code == 200

    client.force_login(make_staff(django_user_model, "Editors", username="editor2"))
    html = client.get(reverse("admin:news_post_change", args=[published.pk])).content.decode()
    assert "Share a preview link" not in html


def test_a_link_stops_working_once_the_post_is_taken_down_after_publishing(client):
    post = make_post(status=Post.Status.DRAFT, title="Embargoed")
    link = preview_path(post)
    assert client.get(link).status_code == 200

    publish([post], by=None)
    assert client.get(link).status_code == 302  # public now: the link leads to the post
    unpublish([post], by=None)
    post.refresh_from_db()

    assert client.get(link).status_code == 404
    assert client.get(preview_path(post)).status_code == 200  # a fresh link works


def test_bulk_unpublishing_revokes_links_too(client, django_user_model):
    post = make_post(title="Was public")
    client.force_login(make_staff(django_user_model, "Editors"))
    client.post(
        reverse("admin:news_post_changelist"),
        {"action": "unpublish", "_selected_action": [post.pk]},
    )
    post.refresh_from_db()
    link = preview_path(post)
    client.logout()
    assert client.get(link).status_code == 200
    client.force_login(make_staff(django_user_model, "Editors", username="editor2"))
    client.post(
        reverse("admin:news_post_changelist"),
        {"action": "publish", "_selected_action": [post.pk]},
    )
    client.post(
        reverse("admin:news_post_changelist"),
        {"action": "unpublish", "_selected_action": [post.pk]},
    )
    client.logout()
    assert client.get(link).status_code == 404


# --- Preview from the post form, before or without saving -----------------------------------

UNSAVED = reverse("admin:news_post_preview_unsaved")


def files_in_media():
    return sorted(str(path) for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def test_preview_before_the_first_save_shows_the_form_and_keeps_nothing(client, editor):
    paper = make_document(title="Annual report", name="annual.pdf")
    files = files_in_media()
    data = form_data(
        title="Not saved yet",
        body="<p>Words typed a moment ago.</p>",
        tags="Brand new tag",
        image_alt="A flag",
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-document": paper.pk,
            "attachments-0-position": "0",
        },
    )

    response = client.post(UNSAVED, {**data, "image": upload("flag.jpg", photo(800, 400))})

    assert response.status_code == 200
    assert response.templates[0].name == "news/post_detail.html"
    html = response.content.decode()
    assert "Not saved yet" in html and "Words typed a moment ago." in html
    assert "Brand new tag" in html and "Annual report" in html
    assert "Preview: this is how the post will look" in html
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert "noindex" in response["X-Robots-Tag"]
    # Nothing kept: no post, no tag, no attachment, no file.
    assert not Post.objects.exists() and not Attachment.objects.exists()
    assert not Tag.objects.filter(name="Brand new tag").exists()
    assert files_in_media() == files


def test_preview_of_unsaved_edits_shows_them_and_leaves_the_post_as_it_was(client, editor):
    post = draft(title="As saved")
    url = reverse("admin:news_post_preview_edits", args=[post.pk])
    form = client.get(reverse("admin:news_post_change", args=[post.pk])).content.decode()
    assert f'formaction="{url}" formtarget="_blank"' in form  # the form's Preview button

    response = client.post(url, form_data(post, title="As edited", body="<p>New words.</p>"))

    assert response.status_code == 200 and b"As edited" in response.content
    post.refresh_from_db()
    assert post.title == "As saved" and "New words" not in post.body


def test_preview_shows_the_forms_mistakes_plainly(client, editor):
    response = client.post(UNSAVED, form_data(title="", slug="2024"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "The preview cannot be shown until these mistakes are put right" in html
    assert "<strong>Title:</strong> This field is required." in html
    assert "An address of digits only would clash with the yearly archives." in html
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_preview_needs_a_post_csrf_and_the_right_permission(client, django_user_model):
    post = draft()
    edits = reverse("admin:news_post_preview_edits", args=[post.pk])
    assert client.post(UNSAVED, form_data()).status_code == 302  # to the sign-in page

    client.force_login(make_staff(django_user_model, "Moderators"))
    assert client.post(UNSAVED, form_data()).status_code == 403
    assert client.post(edits, form_data(post)).status_code == 403

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(make_staff(django_user_model, "Editors"))
    assert guarded.post(UNSAVED, form_data()).status_code == 403
    guarded.force_login(make_staff(django_user_model, "Editors", username="editor2"))
    assert guarded.get(UNSAVED).status_code == 405
    assert not Post.objects.exclude(pk=post.pk).exists()
