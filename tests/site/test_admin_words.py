"""Plain words wherever staff look in the admin: lists named for what they list, "Tags" not
"Taggit", "Web address" not "Slug", and no programmers' headings read out to screen readers."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from comments.models import Comment
from tests.factories import make_comment, make_document, make_post, make_staff

pytestmark = pytest.mark.django_db

JARGON = [
    "Select post to change",
    "Select comment to change",
    "Select paper to change",
    "Taggit",
    "TAGGIT",
    "Model name",
    "Add link",
    "Change or view list link",
    "comment(s)",
    "selected comments",
    "Change comment",
    "SHA-256</label>",
    "By uploaded at",
]


@pytest.fixture
def content():
    post = make_post(title="A post")
    post.tags.add("economics")
    make_comment(post, status=Comment.Status.PENDING)
    make_document(title="A paper")


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    for word in JARGON:
        assert word not in html, f"{url} says {word!r}"
    return html


@pytest.mark.parametrize(
    "group, url, title",
    [
        ("Editors", "admin:news_post_changelist", "Posts"),
        ("Editors", "admin:documents_document_changelist", "Papers"),
        ("Editors", "admin:taggit_tag_changelist", "Tags"),
        ("Editors", "admin:news_category_changelist", "Categories"),
        ("Moderators", "admin:comments_comment_changelist", "Replies"),
    ],
)
def test_each_list_is_titled_with_what_it_lists(
    client, django_user_model, content, group, url, title
):
    client.force_login(make_staff(django_user_model, group))

    html = _page(client, reverse(url))

    assert f"<h1>{title}</h1>" in html
    assert f"<title>{title} | " in html


def test_the_home_page_and_app_pages_speak_plainly(client, django_user_model, content):
    client.force_login(make_staff(django_user_model, "Editors"))

    home = _page(client, "/admin/")
    assert 'class="section">Tags</a>' in home
    app_page = _page(client, reverse("admin:app_list", args=["news"]))
    assert "Downloads of papers" not in app_page  # an app's page keeps Django's own content
    assert reverse("admin:news_post_changelist") in app_page
    _page(client, reverse("admin:app_list", args=["taggit"]))


@pytest.mark.parametrize("model", ["news_category", "taggit_tag"])
def test_web_address_not_slug_on_categories_and_tags(client, django_user_model, content, model):
    client.force_login(make_staff(django_user_model, "Editors"))

    listing = _page(client, reverse(f"admin:{model}_changelist"))
    form = _page(client, reverse(f"admin:{model}_add"))

    assert "Web address" in listing and "http://" in listing  # the full address, not a slug
    assert '<label class="required" for="id_slug">Web address:</label>' in form
    assert ">Slug" not in listing + form


def test_a_tag_page_shows_no_tagged_items_by_content_type_and_object_id(
    client, django_user_model, content
):
    client.force_login(make_staff(django_user_model, "Editors"))
    tag_id = Tag.objects.get(name="economics").pk

    html = _page(client, reverse("admin:taggit_tag_change", args=[tag_id]))

    assert "Content type" not in html and "Object id" not in html


def test_controls_django_leaves_unlabelled_get_a_name(admin_client):
    html = admin_client.get(reverse("admin:news_post_add")).content.decode()

    # A paper's row on the post form: its cells' headings are not labels.
    assert 'aria-label="Position" id="id_attachments-0-position"' in html
    # The featured image: its own <label> names it (news.widgets.KeptImageInput leaves Django's
    # fieldset, whose legend would name no control).
    assert '<label for="id_image">Featured image:</label>' in html
    assert '<th class="original"></th>' not in html  # no empty column heading
