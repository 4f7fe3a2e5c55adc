"""The full-text index behind both searches: stemming, papers' text, kept current by every
write (save, bulk_create, update, delete, unpublishing), on SQLite FTS5 and PostgreSQL alike."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from documents import full_text
from documents.full_text import fts5_query
from documents.models import Document
from news.models import Category, Post
from news.search import limits
from news.search.results import search
from tests.documents.conftest import library, listed
from tests.factories import make_post
from tests.news.conftest import make_paper, search_page, titles

pytestmark = pytest.mark.django_db


def test_a_word_finds_the_other_forms_of_it_and_they_are_marked(client):
    make_post(title="Peer support", body="<p>We supported twelve people.</p>")
    make_post(title="Housing", body="<p>Nothing about it here.</p>")
    html = search_page(client, "supporting")
    assert titles(html) == ["Peer support"]
    assert "Peer <mark>support</mark>" in html
    assert "We <mark>supported</mark> twelve people." in html


def test_a_plural_finds_the_singular_in_a_papers_text(client):
    make_paper("Annual report", "What we did.", text="Contents\fOne recovery college opened.")
    assert titles(search_page(client, "colleges")) == ["Annual report"]


def test_the_library_search_stems_too(client):
    make_paper("Report", text="How we support families.")
    make_paper("Other", text="Nothing relevant.")
    assert listed(library(client, q="supporting family")) == ["Report"]


def test_an_edit_is_found_at_once_and_the_old_words_are_not():
    post = make_post(title="Gardening club")
    post.title = "Walking club"
    post.save()
    assert list(Post.objects.published().search(["walking"])) == [post]
    assert not Post.objects.published().search(["gardening"]).exists()


def test_unpublished_and_deleted_posts_are_never_found(client):
    post = make_post(title="Allotment news")
    make_post(title="Allotment draft", status=Post.Status.DRAFT)
    assert titles(search_page(client, "allotment")) == ["Allotment news"]
    post.status = Post.Status.DRAFT
    post.save()
    assert titles(search_page(client, "allotment")) == []
    post.status = Post.Status.PUBLISHED
    post.save()
    assert titles(search_page(client, "allotment")) == ["Allotment news"]
    post.delete()
    assert titles(search_page(client, "allotment")) == []


def test_rows_written_in_bulk_and_by_update_are_found():
    news = Category.objects.get(slug="news")
    Post.objects.bulk_create(
        [
            Post(
                title=f"Bulk {n}",
                slug=f"bulk-{n}",
                category=news,
                body_text="Orchard volunteers",
                status=Post.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            for n in range(3)
        ]
    )
    assert Post.objects.published().search(["orchards"]).count() == 3
    Post.objects.filter(slug="bulk-0").update(body_text="Beekeeping")
    assert Post.objects.published().search(["orchard"]).count() == 2
    assert Post.objects.published().search(["beekeeping"]).get().slug == "bulk-0"


def test_a_papers_changed_text_and_staff_only_papers(client):
    paper = make_paper("Annual report", text="Swimming lessons")
    Document.objects.filter(pk=paper.pk).update(text="Cycling lessons")
    assert titles(search_page(client, "cycling")) == ["Annual report"]
    assert titles(search_page(client, "swimming")) == []
    Document.objects.filter(pk=paper.pk).update(visibility=Document.Visibility.STAFF)
    assert titles(search_page(client, "cycling")) == []


@pytest.mark.parametrize(
    "query",
    ['"', '""', "*", "NEAR(peer support)", "peer OR", "-peer", "title:peer", "^peer", "a AND b"],
)
def test_query_syntax_is_never_read_as_operators(client, query):
    make_post(title="Peer support")
    html = search_page(client, query)  # no error: words are quoted before they reach the index
    assert "Peer support" in titles(html) or titles(html) == []
    assert library(client, q=query)


def test_terms_reach_fts5_quoted():
    assert fts5_query(['say "hi"', "or"]) == '"say ""hi""" "or"'


def test_the_index_is_the_databases_own():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename IN ('news_post', "
                "'documents_document') AND indexdef LIKE '%%gin (search_vector)%%'"
            )
            assert len(cursor.fetchall()) == 2
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%%fts5%%' "
                "AND sql LIKE '%%porter unicode61%%' ORDER BY name"
            )
            assert [name for (name,) in cursor.fetchall()] == [
                "documents_document_fts",
                "news_post_fts",
            ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite remakes tables to alter them")
def test_a_table_remade_by_a_later_migration_gets_its_index_triggers_back():
    make_post(title="Before the migration")
    with connection.schema_editor() as editor:
        editor._remake_table(Post)  # what AddField of a NOT NULL column does on SQLite
    make_post(title="Meanwhile, unindexed")
    assert not Post.objects.search(["meanwhile"]).exists()

    call_command("migrate", verbosity=0)  # nothing to migrate: post_migrate still runs

    assert Post.objects.search(["meanwhile"]).exists()
    make_post(title="After the repair")
    assert Post.objects.search(["repair"]).exists()
    assert Post.objects.search(["before"]).exists()


def test_a_query_found_in_more_than_can_be_ranked_is_ranked_among_the_newest(monkeypatch):
    monkeypatch.setattr(limits, "RANKED_AT_MOST", 3)
    made = [make_post(title=f"Orchard {n}") for n in range(5)]
    make_post(title="Beekeeping")
    found = Post.objects.published().search(["orchard"])
    assert sorted(post.pk for post in found) == [post.pk for post in made[-3:]]
    assert list(Post.objects.published().search(["beekeeping"])) != []


def test_papers_are_ranked_among_fewer_of_the_newest_than_posts(monkeypatch):
    monkeypatch.setattr(limits, "RANKED_AT_MOST", 3)
    monkeypatch.setattr(limits, "PAPERS_RANKED_AT_MOST", 2)
    made = [make_paper(f"Orchard report {n}") for n in range(4)]
    posts = [make_post(title=f"Orchard {n}") for n in range(4)]
    found = search("orchard").results
    assert sorted(r.paper_id for r in found if r.kind == "paper") == [p.pk for p in made[-2:]]
    assert sorted(r.title for r in found if r.kind == "post") == [p.title for p in posts[-3:]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL chooses how to walk")
@pytest.mark.parametrize("walk", [True, False])
def test_the_newest_matches_are_the_same_however_postgresql_finds_them(monkeypatch, walk):
    monkeypatch.setattr(limits, "RANKED_AT_MOST", 3)
    monkeypatch.setattr(full_text, "_walk_newest_first", lambda *args: walk)
    made = [make_post(title=f"Orchard {n}") for n in range(5)]
    make_post(title="Orchard draft", status=Post.Status.DRAFT)
    found = Post.objects.published().search(["orchard"])
    # The draft is among the newest three holding the word, and is still never found.
    assert sorted(post.pk for post in found) == [post.pk for post in made[-2:]]
