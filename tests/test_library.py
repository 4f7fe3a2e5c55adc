"""The visitor's side of papers: the library, each paper's page and its first-page image."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, DocumentVersion
from news.models import Post
from tests.factories import (
    attach,
    make_document,
    make_post,
    make_staff,
    make_unpublished_posts,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

CARD_TITLE = re.compile(r'<article class="post-card paper-card">\s*<h2><a href="[^"]+">([^<]*)</a>')


def make_paper(title="Recovery: the Business Case", *, days_ago=1, **fields) -> Document:
    """A public paper in the library, uploaded `days_ago`, with any other fields given."""
    paper = make_document(title=title, name=f"{title[:20]}.pdf")
    for name, value in fields.items():
        setattr(paper, name, value)
    paper.save()
    Document.objects.filter(pk=paper.pk).update(
        uploaded_at=timezone.now() - timedelta(days=days_ago)
    )
    paper.refresh_from_db()
    return paper


def staff_only(paper: Document) -> Document:
    paper.visibility = Document.Visibility.STAFF
    paper.save()
    return paper


def library(client, **params) -> str:
    response = client.get(reverse("documents:library"), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(html: str) -> list[str]:
    """The titles of the papers listed, in page order (as HTML: escaped)."""
    return CARD_TITLE.findall(html)


def page_of(client, paper: Document) -> str:
    response = client.get(paper.get_absolute_url())
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def store_previews(paper: Document, *names_and_widths) -> dict[str, bytes]:
    """Write first-page images for `paper` to storage and record them; their bytes by name."""
    stored = {}
    previews = []
    for width, extension in names_and_widths:
        name = default_storage.save(
            f"documents/previews/{paper.pk}/{width}.{extension}",
            ContentFile(f"{extension} image {width}".encode()),
        )
        stored[name] = f"{extension} image {width}".encode()
        previews.append({"width": width, "height": width * 1414 // 1000, "name": name})
    paper.previews = previews
    paper.save()
    return stored


def preview_url(paper, width, image_format="webp", **query):
    url = reverse(
        "documents:preview", kwargs={"pk": paper.pk, "width": width, "image_format": image_format}
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- The library ---------------------------------------------------------------------------


def test_library_lists_public_papers_with_their_page_and_download(client):
    paper = make_paper(description="How recovery pays for itself.", page_count=12)
    html = library(client)
    assert listed(html) == ["Recovery: the Business Case"]
    assert f'href="{paper.get_absolute_url()}"' in html
    assert f'href="{paper.get_download_url()}"' in html
    assert f">{paper.link_text}</a>" in html
    assert "How recovery pays for itself." in html
    assert "12 pages" in html
    assert "1 paper" in html
    assert '<a href="/papers/" aria-current="page">Papers</a>' in html


def test_papers_is_in_the_main_navigation(client):
    html = client.get(reverse("news:home")).content.decode()
    assert f'<a href="{reverse("documents:library")}">Papers</a>' in html


def test_library_says_so_when_there_are_no_papers(client):
    html = library(client)
    assert listed(html) == []
    assert "No papers have been published yet." in html


def test_staff_only_and_held_back_papers_are_never_listed(client, django_user_model):
    make_paper("Library only")
    attach(make_post(), make_paper("On a published post"))
    staff_only(make_paper("Internal notes"))
    for state, post in make_unpublished_posts().items():
        attach(post, make_paper(f"Only on a {state} post"))
    for signed_in in (False, True):  # staff see the same library as everyone
        if signed_in:
            client.force_login(make_staff(django_user_model, "Editors"))
        assert sorted(listed(library(client))) == ["Library only", "On a published post"]
        assert listed(library(client, q="internal")) == []
        assert listed(library(client, q="draft")) == []


def test_search_finds_words_in_the_title_description_and_text(client):
    make_paper("Peer support workers", days_ago=3)
    make_paper("Annual report", description="Our peer colleges.", days_ago=2)
    make_paper("Briefing", text="Contents\fWhat PEER trainers do.", days_ago=1)
    make_paper("Unrelated", text="Nothing to see.")
    assert listed(library(client, q="peer")) == [
        "Briefing",
        "Annual report",
        "Peer support workers",
    ]
    assert listed(library(client, q="  trainers  ")) == ["Briefing"]


def test_search_wants_every_word(client):
    make_paper("Peer support", text="recovery")
    make_paper("Peer workers")
    assert listed(library(client, q="peer recovery")) == ["Peer support"]


def test_search_without_results_says_so_and_escapes_the_query(client):
    make_paper()
    html = library(client, q="<b>zebra</b>")
    assert listed(html) == []
    assert "No papers match “&lt;b&gt;zebra&lt;/b&gt;”." in html
    assert "<b>zebra" not in html
    assert 'value="&lt;b&gt;zebra&lt;/b&gt;"' in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("newest", ["banana", "Cherry", "apple"]),
        ("title", ["apple", "banana", "Cherry"]),
        ("downloads", ["Cherry", "apple", "banana"]),
        ("nonsense", ["banana", "Cherry", "apple"]),  # unknown: the default, newest
    ],
)
def test_each_sort_order(client, sort, expected):
    make_paper("apple", days_ago=3, download_count=5)
    make_paper("banana", days_ago=1, download_count=0)
    make_paper("Cherry", days_ago=2, download_count=9)
    html = library(client, sort=sort)
    assert listed(html) == expected
    chosen = sort if sort != "nonsense" else "newest"
    assert f'<option value="{chosen}" selected>' in html
    assert html.count(" selected>") == 1


def test_sorting_keeps_the_search(client):
    make_paper("Peer b", download_count=1)
    make_paper("Peer a", download_count=2)
    make_paper("Other", download_count=3)
    assert listed(library(client, q="peer", sort="title")) == ["Peer a", "Peer b"]
    assert listed(library(client, q="peer", sort="downloads")) == ["Peer a", "Peer b"]


def test_pages_keep_the_search_and_the_sort(client):
    for number in range(25):
        make_paper(f"Recovery {number:02d}", days_ago=number + 1)
    make_paper("Other")
    first = library(client, q="recovery", sort="title")
    assert len(listed(first)) == 20
    assert "25 papers matching “recovery”" in first
    assert 'href="?q=recovery&amp;sort=title&amp;page=2"' in first
    assert 'rel="next">Next<span class="visually-hidden"> papers</span>' in first
    second = library(client, q="recovery", sort="title", page=2)
    assert listed(second) == [f"Recovery {number}" for number in range(20, 25)]
    assert 'href="?q=recovery&amp;sort=title&amp;page=1" rel="prev">Previous' in second
    assert "(page 2)" in second
    assert (
        '<link rel="canonical" href="http://testserver/papers/?q=recovery&amp;sort=title&amp;page=2">'
        in second
    )


def test_post_lists_still_page_with_plain_links(client):
    for number in range(12):
        make_post(title=f"Story {number}", days_ago=number + 1)
    html = client.get(reverse("news:post_list")).content.decode()
    assert 'href="?page=2" rel="next">Older<span class="visually-hidden"> posts</span>' in html


def test_library_queries_do_not_grow_with_papers_versions_and_posts(
    client, django_assert_max_num_queries
):
    def add(count):
        for number in range(count):
            paper = make_paper(f"Recovery {Document.objects.count()} {number}", text="recovery")
            DocumentVersion.objects.create(
                document=paper, file="old.pdf", sha256="0" * 64, uploaded_at=timezone.now()
            )
            attach(make_post(), paper)
            attach(make_post(status=Post.Status.DRAFT), paper)

    add(2)
    with CaptureQueriesContext(connection) as few:
        library(client, q="recovery", sort="downloads")
    add(30)
    with django_assert_max_num_queries(len(few)):
        html = library(client, q="recovery", sort="downloads")
    assert len(listed(html)) == 20


# --- A paper's page ------------------------------------------------------------------------


def test_paper_page_says_what_the_paper_is(client):
    paper = make_document(content=pdf_bytes(padding=375 * 1024 - 700))
    paper.description = "Why recovery\n\npays <for> itself."
    paper.page_count = 3
    paper.save()
    html = page_of(client, paper)
    assert "<h1>Recovery: the Business Case</h1>" in html
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
    paper = staff_only(make_paper("Internal notes"))
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
    links = re.findall(r'<li><a href="([^"]+)">([^<]*)</a>', section)
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
    small_webp = preview_url(paper, 240, v=version)
    assert f'<source type="image/webp" srcset="{small_webp} 240w, ' in html
    assert f'<img src="{preview_url(paper, 240, "png", v=version)}"' in html
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


# --- The first-page image ------------------------------------------------------------------


def test_preview_serves_the_stored_image_cacheable_for_a_short_while(client):
    paper = make_paper()
    (name,) = store_previews(paper, (240, "webp"))
    version = f"{paper.file_updated_at.timestamp():.0f}"

    response = client.get(preview_url(paper, 240, v=version))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"webp image 240"
    assert response["Content-Type"] == "image/webp"
    cache = response["Cache-Control"]
    # Short, not immutable: a paper made staff-only must leave shared caches soon.
    assert "public" in cache and "max-age=60" in cache and "immutable" not in cache
    assert response["ETag"]
    again = client.get(
        preview_url(paper, 240, v=version), headers={"if-none-match": response["ETag"]}
    )
    assert again.status_code == 304


def test_preview_without_the_current_version_is_cached_briefly(client):
    paper = make_paper()
    store_previews(paper, (240, "png"))
    response = client.get(preview_url(paper, 240, "png", v="old"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=3600" in response["Cache-Control"]
    assert "immutable" not in response["Cache-Control"]


@pytest.mark.parametrize("width, image_format", [(480, "webp"), (240, "png"), (0, "webp")])
def test_preview_at_a_width_or_type_that_was_not_stored_is_404(client, width, image_format):
    paper = make_paper()
    store_previews(paper, (240, "webp"))
    assert client.get(preview_url(paper, width, image_format)).status_code == 404


def test_preview_of_other_file_types_has_no_address(client):
    paper = make_paper()
    store_previews(paper, (240, "webp"))
    assert client.get(f"/papers/{paper.pk}/preview/240.svg").status_code == 404


def test_preview_of_a_paper_the_visitor_may_not_see_is_404(client, django_user_model):
    hidden = staff_only(make_paper("Internal"))
    store_previews(hidden, (240, "webp"))
    held_back = make_paper("Embargoed")
    attach(make_post(status=Post.Status.DRAFT), held_back)
    store_previews(held_back, (240, "webp"))
    for paper in (hidden, held_back):
        assert client.get(preview_url(paper, 240)).status_code == 404

    client.force_login(make_staff(django_user_model, "Editors"))
    response = client.get(preview_url(hidden, 240))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_preview_whose_file_is_missing_is_404(client):
    paper = make_paper(previews=[{"width": 240, "height": 339, "name": "documents/gone.webp"}])
    assert client.get(preview_url(paper, 240)).status_code == 404
