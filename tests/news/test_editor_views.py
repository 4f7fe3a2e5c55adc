"""The post editor's server side: the body's sanitiser, pictures in the text, autosave, a
featured image kept across a refused form, tag and paper suggestions (news.admin_drafts)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.models import Document
from news import pending_uploads
from news.models import Autosave, Post
from tests.factories import make_document, make_post, make_staff
from tests.news.conftest import form_data, photo, upload

pytestmark = pytest.mark.django_db

OWN = "/media/renditions/0/0123456789abcdef-480.webp"


@pytest.mark.parametrize(
    "unsafe",
    [
        '<img src="https://evil.example/x.png" alt="x">',
        '<img src="//evil.example/x.png" alt="x">',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">',
        '<img src="/media/renditions/../../etc/passwd" alt="x">',
        '<img src="/media/images/2026/original.jpg" alt="x">',
        '<img src="javascript:alert(1)" alt="x">',
    ],
)
def test_the_sanitiser_removes_pictures_from_anywhere_but_the_site(unsafe):
    post = make_post(body=f"<p>Before</p>{unsafe}<p>After</p>")
    assert post.body == "<p>Before</p><p>After</p>"


def test_the_sanitiser_keeps_own_pictures_with_alt_and_size_but_nothing_else():
    post = make_post(
        body=f'<p><img src="{OWN}" alt="A choir" width="480" height="320" '
        'onerror="alert(1)" style="x" data-file="9" title="t"></p><script>x</script>'
    )
    assert post.body == f'<p><img src="{OWN}" alt="A choir" width="480" height="320"></p>'


@pytest.fixture
def editors(django_user_model):
    """Two editors, each signed in on a client of their own."""
    clients = []
    for name in ("ann", "bob"):
        client = Client()
        client.force_login(make_staff(django_user_model, "Editors", username=name))
        clients.append(client)
    return clients


def test_a_picture_is_stored_as_a_rendition_and_inserted_with_its_description(editors):
    ann, _ = editors
    url = reverse("admin:news_post_body_picture")

    response = ann.post(url, {"picture": upload("choir.jpg", photo(2000, 1000)), "alt": "A choir"})

    assert response.status_code == 200
    picture = response.json()
    assert picture["alt"] == "A choir" and (picture["width"], picture["height"]) == (960, 480)
    assert picture["src"].startswith("/media/renditions/0/") and picture["src"].endswith(".webp")
    assert ann.get(picture["src"]).status_code == 200
    body = f'<p><img src="{picture["src"]}" alt="A choir" width="960" height="480"></p>'
    assert make_post(body=body).body == body  # the sanitiser accepts what the view answers


def test_a_picture_needs_a_description_and_a_real_image(editors):
    ann, _ = editors
    url = reverse("admin:news_post_body_picture")

    no_alt = ann.post(url, {"picture": upload("choir.jpg", photo(200, 100)), "alt": "  "})
    not_image = ann.post(url, {"picture": upload("choir.jpg", b"not an image"), "alt": "A choir"})

    assert no_alt.status_code == 400
    assert no_alt.json()["errors"] == {
        "alt": "Please describe the picture for people who cannot see it."
    }
    assert not_image.status_code == 400 and "not an image" in not_image.json()["errors"]["picture"]


def test_editor_views_are_for_staff_who_write_posts_and_need_the_csrf_token(
    client, django_user_model
):
    urls = [
        reverse("admin:news_post_tag_suggestions"),
        reverse("admin:news_post_paper_suggestions"),
        reverse("admin:news_post_autosave_new"),
    ]
    for url in urls:  # not signed in: the admin's login page
        assert client.get(url).status_code == 302
    client.force_login(make_staff(django_user_model, "Moderators"))
    for url in urls:
        assert client.get(url).status_code == 403

    checked = Client(enforce_csrf_checks=True)
    checked.force_login(make_staff(django_user_model, "Editors"))
    refused = checked.post(reverse("admin:news_post_autosave_new"), {"title": "Hello"})
    assert refused.status_code == 403 and not Autosave.objects.exists()


def test_autosave_keeps_the_text_without_changing_the_post_and_offers_it_back(editors):
    ann, bob = editors
    post = make_post(title="Live title", body="<p>Live body.</p>")
    url = reverse("admin:news_post_autosave", args=[post.pk])

    saved = ann.post(url, {"title": "Draft title", "body": '<p>Draft <img src="x:y"></p>'})

    assert saved.status_code == 200
    post.refresh_from_db()
    assert (post.title, post.body) == ("Live title", "<p>Live body.</p>")
    offer = ann.get(url).json()
    assert offer["fields"] == {"title": "Draft title", "body": "<p>Draft </p>"}
    assert offer["saved_at"] == timezone.localtime().strftime("%H:%M")
    assert bob.get(url).json() == {}  # another person's autosave is theirs alone


def test_an_autosave_older_than_the_saved_post_is_not_offered_and_saving_discards_it(editors):
    ann, _ = editors
    post = make_post()
    url = reverse("admin:news_post_autosave", args=[post.pk])
    ann.post(url, {"title": "Older text"})
    post.save()  # saved since (elsewhere): newer than the autosave
    assert ann.get(url).json() == {}

    ann.post(url, {"title": "Newer text"})
    change = reverse("admin:news_post_change", args=[post.pk])
    assert ann.post(change, form_data(post, title="Newer text")).status_code == 302
    assert not Autosave.objects.exists()


def test_a_new_post_is_autosaved_per_person_and_offered_in_a_later_session(
    editors, django_user_model
):
    ann, _ = editors
    url = reverse("admin:news_post_autosave_new")
    ann.post(url, {"title": "Never saved", "body": "<p>Typed, then the tab closed.</p>"})

    later = Client()  # a new session of the same person
    later.force_login(django_user_model.objects.get(username="ann"))

    assert later.get(url).json()["fields"]["body"] == "<p>Typed, then the tab closed.</p>"
    assert not Post.objects.exists()


def _refused_with_image(client, name="flag.jpg"):
    data = form_data(title="", image=upload(name, photo(800, 400)), image_alt="A flag")
    response = client.post(reverse("admin:news_post_add"), data)
    assert response.status_code == 200
    return response, response.context["adminform"].form.kept_key


def test_a_chosen_image_is_kept_after_a_refused_form_and_used_when_it_saves(editors):
    ann, bob = editors
    response, key = _refused_with_image(ann)

    page = response.content.decode()
    assert "chosen: <bdi>flag.jpg</bdi>" in page and f'value="{key}"' in page
    assert 'data-autosave-offer="no"' in page  # what was just sent is newer than any autosave
    thumbnail = reverse("admin:news_post_kept_image", args=key.split("/"))
    assert f'src="{thumbnail}"' in page
    shown = ann.get(thumbnail)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert bob.get(thumbnail).status_code == 404  # only the person who chose it
    assert ann.get(f"/media/{key}").status_code == 404  # never under a public address

    data = form_data(title="Flag day", slug="flag-day", image_alt="A flag", **{"image-kept": key})
    assert ann.post(reverse("admin:news_post_add"), data).status_code == 302

    post = Post.objects.get(slug="flag-day")
    assert post.image.name.endswith(".jpg") and post.image_width == 800
    assert not list(Path(pending_uploads.storage().location).rglob("*.jpg"))


def test_a_kept_image_can_be_discarded(editors):
    ann, _ = editors
    _, key = _refused_with_image(ann)

    data = form_data(
        title="No flag", slug="no-flag", **{"image-kept": key, "image-kept-discard": "on"}
    )
    assert ann.post(reverse("admin:news_post_add"), data).status_code == 302

    assert not Post.objects.get(slug="no-flag").image
    assert not list(Path(pending_uploads.storage().location).rglob("*.jpg"))


def test_abandoned_kept_images_are_cleared_by_a_command(editors):
    ann, _ = editors
    _refused_with_image(ann)
    call_command("clear_pending_uploads", "--older-than", "3600")
    assert list(Path(pending_uploads.storage().location).rglob("*.jpg"))
    call_command("clear_pending_uploads", "--older-than", "-1")
    assert not list(Path(pending_uploads.storage().location).rglob("*.jpg"))


def test_tags_are_suggested_from_existing_ones(editors):
    ann, _ = editors
    make_post().tags.add("Peer support", "Recovery", "Support groups")

    found = ann.get(reverse("admin:news_post_tag_suggestions"), {"q": "sup"}).json()

    assert found == {"tags": ["Support groups", "Peer support"]}  # starting with it come first
    known = ann.get(reverse("admin:news_post_tag_suggestions"), {"known": "recovery,Brand new"})
    assert known.json() == {"tags": ["Recovery"]}


def test_papers_are_found_by_title_with_their_download_label(editors):
    ann, _ = editors
    paper = make_document(title="Recovery: the Business Case")
    make_document(title="Something else", name="else.pdf")
    make_document(title="Business plan", name="plan.pdf", visibility=Document.Visibility.STAFF)

    found = ann.get(reverse("admin:news_post_paper_suggestions"), {"q": "business"}).json()

    assert found["papers"] == [
        {
            "title": "Recovery: the Business Case",
            "url": paper.get_absolute_url(),
            "download_url": paper.get_download_url(),
            "label": paper.link_text,
        }
    ]
    assert paper.link_text.startswith("Download (PDF, ")


def test_the_form_turns_spell_check_on_in_the_site_language(editors, settings):
    ann, _ = editors
    page = ann.get(reverse("admin:news_post_add")).content.decode()

    assert 'name="title"' in page and 'spellcheck="true"' in page
    assert f'data-lang="{settings.LANGUAGE_CODE}"' in page
    assert 'data-autosave-url="{}"'.format(reverse("admin:news_post_autosave_new")) in page
    assert "news/editor.js" in page
