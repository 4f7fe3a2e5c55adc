"""The search page: its states, what it never shows, pages and bounds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from documents import search_query
from documents.models import Document
from news.models import Post
from news.search import limits
from news.search.results import search
from tests.factories import make_post
from tests.news.conftest import make_paper, results, search_page, titles

pytestmark = pytest.mark.django_db

# What a search costs, whatever the number of matches: one query for posts, one for papers and
# one for the papers shown (their dates and text); on PostgreSQL, before each of the first two,
# the planner's estimate of the matches (documents.full_text._walk_newest_first).
SEARCH_QUERIES = 3 + (2 if connection.vendor == "postgresql" else 0)


# --- The form and its states --------------------------------------------------------------


def test_empty_query_shows_the_form_and_a_prompt_without_touching_the_database(
    client, settings, django_assert_num_queries
):
    with django_assert_num_queries(0):
        html = search_page(client)
    assert '<label for="search-q">Search</label>' in html
    assert 'type="search" id="search-q" name="q" value=""' in html
    assert '<button type="submit">Search</button>' in html
    assert "Type a word or two" in html
    assert f"<title>Search – {settings.SITE_NAME}</title>" in html
    assert 'name="robots"' not in html


def test_result_page_states_the_count_echoes_the_query_and_is_not_indexed(client, settings):
    make_post(title="Recovery colleges")
    html = search_page(client, "recovery")
    assert "1 result for “recovery”" in html
    assert 'name="q" value="recovery"' in html
    assert f"<title>Search results for “recovery” – {settings.SITE_NAME}</title>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<link rel="canonical" href="http://testserver/search/?q=recovery">' in html


def test_no_results_says_so_and_suggests_what_to_try(client):
    make_post(title="Recovery colleges")
    html = search_page(client, "zebra")
    assert results(html) == []
    assert "No results for “zebra”" in html
    assert "fewer words" in html
    assert reverse("news:post_list") in html
    assert '<meta name="robots" content="noindex">' in html


def test_one_letter_words_alone_ask_for_longer_words(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = search_page(client, "a b")
    assert "at least two letters" in html


def test_only_the_first_eight_words_are_searched(client):
    make_post(title="one two three four five six seven eight")
    html = search_page(client, "one two three four five six seven eight nine ten")
    assert titles(html) == ["one two three four five six seven eight"]
    assert "Only the first 8 words were searched for." in html


# --- Nothing unpublished, ever ------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "superuser"])
def test_nothing_unpublished_ever_appears(client, admin_client, who):
    now = timezone.now()
    published = make_post(title="Recovery published")
    draft = make_post(title="Recovery draft", status=Post.Status.DRAFT)
    scheduled = make_post(title="Recovery scheduled", published_at=now + timedelta(days=1))
    expired = make_post(
        title="Recovery expired",
        published_at=now - timedelta(days=5),
        expires_at=now - timedelta(hours=1),
    )
    make_paper("Recovery paper on published post", on=published)
    make_paper("Recovery paper on draft", on=draft)
    make_paper("Recovery paper on scheduled post", on=scheduled)
    make_paper("Recovery paper on expired post", on=expired)
    make_paper("Recovery paper on no post")  # in the library only: public
    make_paper("Recovery paper for staff", visibility=Document.Visibility.STAFF, on=published)
    make_paper("Internal", text="Recovery notes", visibility=Document.Visibility.STAFF)
    browser = admin_client if who == "superuser" else client
    html = search_page(browser, "recovery")
    assert sorted(titles(html)) == [
        "Recovery paper on no post",
        "Recovery paper on published post",
        "Recovery published",
    ]
    for hidden in ("draft", "scheduled", "expired", "staff", "Internal"):
        assert hidden not in html


# --- Pagination and bounds ----------------------------------------------------------------


def test_results_are_paginated_ten_a_page_and_page_links_keep_the_query(client):
    for number in range(23):
        make_post(title=f"Recovery story {number:02d}", days_ago=number + 1)
    first = search_page(client, "recovery")
    assert "23 results for “recovery”" in first
    assert titles(first)[0] == "Recovery story 00"
    assert len(titles(first)) == 10
    assert 'href="?q=recovery&amp;page=2"' in first
    third = search_page(client, "recovery", page=3)
    assert titles(third) == ["Recovery story 20", "Recovery story 21", "Recovery story 22"]
    assert 'href="?q=recovery&amp;page=2" rel="prev"' in third
    assert "(page 3)" in third
    assert search_page(client, "recovery", page=99).count("search-result") == 3
    assert titles(search_page(client, "recovery", page="x")) == titles(first)


def test_only_the_best_results_are_kept_and_the_page_says_so(client, monkeypatch):
    monkeypatch.setattr(limits, "CANDIDATES", 4)
    make_post(title="Recovery in the title", days_ago=9)
    for number in range(5):
        make_post(title=f"Post {number}", body="<p>About recovery.</p>", days_ago=number)
    html = search_page(client, "recovery")
    assert "More than 4 results for “recovery”: showing the best 4." in html
    assert titles(html)[0] == "Recovery in the title"
    assert len(titles(html)) == 4


def test_the_bounded_candidates_are_rows_with_every_word(client, monkeypatch):
    # Posts with one of the words must not fill the candidate slots ahead of a real match.
    monkeypatch.setattr(limits, "CANDIDATES", 2)
    for number in range(3):
        make_post(title=f"Recovery {number}", days_ago=number)
    make_post(title="Both", body="<p>Recovery college.</p>", days_ago=9)
    assert titles(search_page(client, "recovery college")) == ["Both"]


@pytest.mark.parametrize("matching", [3, 60])
def test_a_search_costs_the_same_queries_whatever_the_number_of_matches(
    client, django_assert_max_num_queries, matching
):
    for number in range(matching):
        post = make_post(title=f"Recovery {number}", body="<p>Recovery and more recovery.</p>")
        if number % 10 == 0:
            make_paper(f"Recovery paper {number}", "Recovery explained.", on=post)
    with django_assert_max_num_queries(SEARCH_QUERIES):
        html = search_page(client, "recovery")
    with django_assert_max_num_queries(SEARCH_QUERIES):
        search_page(client, "recovery", page=2)
    papers = len(range(0, matching, 10))
    assert f"{matching + papers} results for “recovery”" in html


def test_search_returns_the_best_first_as_data():
    make_post(title="Body only", body="<p>recovery</p>")
    make_post(title="Recovery", days_ago=3)
    found = search("  Recovery  ")
    assert found.query == "Recovery"
    assert found.terms == ["recovery"]
    assert [result.title for result in found.results] == ["Recovery", "Body only"]
    assert not found.capped


def test_the_form_refuses_no_more_than_the_search_reads(client, monkeypatch):
    monkeypatch.setattr(search_query, "MAX_QUERY_LENGTH", 50)
    assert 'maxlength="50"' in search_page(client)
