"""The public "Papers" library: what is listed, search, sorting and pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents import search_query
from documents.models import Document, DocumentVersion
from news.models import Post
from tests.documents.conftest import (
    library,
    listed,
    make_paper,
    make_staff_only,
)
from tests.factories import (
    attach,
    make_post,
    make_staff,
    make_unpublished_posts,
)

pytestmark = pytest.mark.django_db


# --- The library ------------------------------------------------------------------------------


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
    make_staff_only(make_paper("Internal notes"))
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


def test_search_reads_the_same_bounds_as_the_site_search(client, monkeypatch):
    """documents.search_query bounds both searches: the form's maxlength, the query kept and
    the words searched."""
    monkeypatch.setattr(search_query, "MAX_QUERY_LENGTH", 12)
    monkeypatch.setattr(search_query, "MAX_TERMS", 1)
    make_paper("Peer support", text="recovery")
    html = library(client, q="peer   recovery and more")
    assert 'maxlength="12"' in html
    assert 'value="peer recover"' in html
    # Only the first word is searched, so the paper without "recover" in it is found too.
    make_paper("Peer workers")
    assert sorted(listed(library(client, q="peer recovery"))) == ["Peer support", "Peer workers"]
    assert 'maxlength="12"' in client.get(reverse("news:search")).content.decode()


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
