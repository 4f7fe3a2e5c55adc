"""A paper's own page: what it says, who may open it, its posts and its accessibility."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, DocumentVersion
from news.models import Post
from tests.documents.conftest import (
    make_paper,
    make_staff_only,
    page_of,
    preview_address,
    store_previews,
)
from tests.factories import (
    attach,
    make_document,
    make_post,
    make_staff,
    make_unpublished_posts,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


# --- A paper's page ---------------------------------------------------------------------------


def test_paper_page_says_what_the_paper_is(client):
    paper = make_document(content=pdf_bytes(padding=375 * 1024 - 700))
    paper.description = "Why recovery\n\npays <for> itself."
    paper.page_count = 3
    paper.save()
    html = page_of(client, paper)
    assert "<h1><bdi>Recovery: the Business Case</bdi></h1>" in html
    assert html.count("<h1") == 1
    assert "<p>Why recovery</p>" in html and "pays &lt;for&gt; itself." in html
    assert (
        f'<a class="download" href="{paper.get_download_url()}">Download (PDF, 375KB)</a>' in html
    )
    assert "PDF, 375KB · 3 pages" in html
    assert f"{timezone.localtime(paper.uploaded_at):%-d %B %Y}" in html
    assert "<title>Recovery: the Business Case – Papers – ImROC</title>" in html
    assert 'name="robots"' not in html


def test_paper_page_shows_when_its_file_was_replaced(client):
    paper = make_paper(days_ago=30)
    Document.objects.filter(pk=paper.pk).update(file_updated_at=timezone.now())
    assert f'Updated <time datetime="{timezone.localtime():%Y-%m-%d}' in page_of(client, paper)


def test_wrong_slug_redirects_permanently_to_the_right_one(client):
    paper = make_paper()
    wrong = reverse("documents:detail", kwargs={"pk": paper.pk, "slug": "old-title"})
    response = client.get(wrong)
    assert response.status_code == 301
    assert response["Location"] == paper.get_absolute_url()


def test_unknown_paper_is_404(client):
    assert (
        client.get(reverse("documents:detail", kwargs={"pk": 999, "slug": "x"})).status_code == 404
    )


def test_staff_only_paper_is_404_for_the_public_and_shown_to_staff_with_a_notice(
    client, django_user_model
):
    paper = make_staff_only(make_paper("Internal notes"))
    assert client.get(paper.get_absolute_url()).status_code == 404
    client.force_login(make_staff(django_user_model, "Moderators"))
    assert client.get(paper.get_absolute_url()).status_code == 404

    client.force_login(make_staff(django_user_model, "Editors"))
    html = page_of(client, paper)
    assert "This paper is for staff only" in html
    assert '<meta name="robots" content="noindex">' in html


def test_held_back_paper_is_404_for_the_public_and_shown_to_staff_with_a_notice(
    client, django_user_model
):
    paper = make_paper()
    attach(make_post(status=Post.Status.DRAFT), paper)
    assert client.get(paper.get_absolute_url()).status_code == 404
    client.force_login(make_staff(django_user_model, "Editors"))
    html = page_of(client, paper)
    assert "held back until a post carrying it is published" in html


def test_public_paper_has_no_staff_notice_even_for_staff(client, django_user_model):
    paper = make_paper()
    client.force_login(make_staff(django_user_model, "Editors"))
    html = page_of(client, paper)
    assert 'class="notice"' not in html


def test_page_lists_only_the_published_posts_using_the_paper_newest_first(client):
    paper = make_paper()
    older = make_post(title="Older <news>", days_ago=9)
    newer = make_post(title="Newer news", days_ago=2)
    other = make_post(title="About another paper")
    attach(older, paper)
    attach(newer, paper)
    attach(other, make_paper("Another"))
    for post in make_unpublished_posts().values():
        attach(post, paper)

    html = page_of(client, paper)

    assert "Posts about this paper" in html
    section = html[html.index('id="posts-heading"') :]
    links = re.findall(r'<li><a href="([^"]+)"><bdi>([^<]*)</bdi></a>', section)
    assert links == [
        (newer.get_absolute_url(), "Newer news"),
        (older.get_absolute_url(), "Older &lt;news&gt;"),
    ]
    assert "Hidden" not in html


def test_page_of_a_paper_on_no_post_has_no_posts_section(client):
    assert "Posts about this paper" not in page_of(client, make_paper())


def test_accessibility_problems_are_listed_with_a_way_to_ask_for_another_format(client, settings):
    settings.DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL = "access@imroc.example"
    paper = make_paper(
        "Tables & charts",
        accessibility={"problems": ["Its images have no descriptions.", "It has no <tags>."]},
    )
    html = page_of(client, paper)
    assert "may be hard to use with a screen reader or other assistive technology" in html
    assert "<li>Its images have no descriptions.</li>" in html
    assert "<li>It has no &lt;tags&gt;.</li>" in html
    mailto = "mailto:access@imroc.example?subject=Accessible%20format%3A%20Tables%20%26%20charts"
    assert f'<a href="{mailto}">access@imroc.example</a>' in html


def test_the_offer_of_another_format_is_made_for_every_paper_when_someone_is_named(
    client, settings
):
    settings.DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL = "access@imroc.example"
    html = page_of(client, make_paper())
    assert "may be hard to use" not in html
    assert "mailto:access@imroc.example?subject=Accessible%20format%3A%20Recovery" in html


def test_without_an_address_the_problems_are_listed_but_no_offer_made(client, settings):
    settings.DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL = ""
    html = page_of(client, make_paper(accessibility={"problems": ["It has no tags."]}))
    assert "<li>It has no tags.</li>" in html
    assert "mailto:" not in html


def test_a_paper_without_problems_or_address_has_no_accessibility_section(client, settings):
    settings.DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL = ""
    html = page_of(client, make_paper(accessibility={"problems": []}))
    assert "accessibility-heading" not in html


def test_page_shows_the_first_page_image_with_alt_text(client):
    paper = make_paper('Peer "support"')
    store_previews(paper, (480, "webp"), (240, "webp"), (240, "png"))
    html = page_of(client, paper)
    version = f"{paper.file_updated_at.timestamp():.0f}"
    small_webp = preview_address(paper, 240, v=version)
    assert f'<source type="image/webp" srcset="{small_webp} 240w, ' in html
    assert f'<img src="{preview_address(paper, 240, "png", v=version)}"' in html
    assert 'width="240" height="339" alt="First page of Peer &quot;support&quot;"' in html


def test_page_of_a_paper_without_images_has_none(client):
    assert "<img" not in page_of(client, make_paper())


def test_paper_page_queries_do_not_grow_with_posts_and_versions(
    client, django_user_model, django_assert_max_num_queries
):
    paper = make_paper()
    client.force_login(make_staff(django_user_model, "Editors"))

    def add(count):
        for _ in range(count):
            attach(make_post(), paper)
            attach(make_post(status=Post.Status.DRAFT), paper)
            DocumentVersion.objects.create(
                document=paper, file="old.pdf", sha256="0" * 64, uploaded_at=timezone.now()
            )
            make_paper(f"Another {Document.objects.count()}")

    add(1)
    page_of(client, paper)
    with CaptureQueriesContext(connection) as few:
        page_of(client, paper)
    add(20)
    with django_assert_max_num_queries(len(few)):
        html = page_of(client, paper)
    assert html.count("/news/post-") == 21
