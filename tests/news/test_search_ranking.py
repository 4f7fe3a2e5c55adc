"""What a search finds and in which order: posts and papers ranked together."""

from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import Post
from news.search.highlighting import page_holding
from news.search.parsing import parse_terms
from tests.factories import attach, make_post
from tests.news.conftest import make_paper, results, search_page, titles
from tests.news.test_search_page import SEARCH_QUERIES

pytestmark = pytest.mark.django_db


# --- Matching and ranking -----------------------------------------------------------------


def test_title_match_ranks_above_summary_match_above_body_only_match(client):
    # The newest post mentions the word only in its body: relevance beats date.
    make_post(title="Body only", body="<p>Our recovery work.</p>", days_ago=1)
    make_post(title="In the excerpt", excerpt="About recovery.", days_ago=2)
    make_post(title="Recovery in the title", days_ago=3)
    html = search_page(client, "recovery")
    assert titles(html) == ["Recovery in the title", "In the excerpt", "Body only"]


def test_equal_scores_put_the_newest_first(client):
    make_post(title="Older recovery news", days_ago=5)
    make_post(title="Newer recovery news", days_ago=1)
    assert titles(search_page(client, "recovery")) == ["Newer recovery news", "Older recovery news"]


def test_the_whole_phrase_in_a_title_ranks_above_its_words_apart(client):
    make_post(title="Support for every peer", days_ago=1)
    make_post(title="What peer support means", days_ago=9)
    html = search_page(client, "peer support")
    assert titles(html) == ["What peer support means", "Support for every peer"]


def test_every_word_must_be_found_though_each_may_be_in_a_different_field(client):
    make_post(title="Recovery colleges", body="<p>Learning together.</p>")
    make_post(title="Recovery", excerpt="A short note.", body="<p>Our new college opens.</p>")
    make_post(title="College news", body="<p>Nothing else here.</p>")
    html = search_page(client, "recovery college")
    assert sorted(titles(html)) == ["Recovery", "Recovery colleges"]


def test_matching_ignores_case(client):
    make_post(title="Recovery Colleges", body="<p>PEER support.</p>")
    assert titles(search_page(client, "rECOVERY peer")) == ["Recovery Colleges"]


def test_quotes_and_punctuation_around_words_are_ignored():
    assert parse_terms('"Recovery," (college) a peer peer') == ["recovery", "college", "peer"]


def test_words_only_in_the_body_markup_do_not_match(client):
    # "strong" and "href" are in the stored HTML of this post, not in the text a reader sees.
    make_post(
        title="Plain", body='<p>A <strong>bold</strong> <a href="https://x.org">link</a>.</p>'
    )
    assert results(search_page(client, "strong")) == []
    assert results(search_page(client, "href")) == []


def test_characters_stored_as_html_entities_are_found(client):
    make_post(title="Budgets", body="<p>Our R&amp;D budget.</p>")
    html = search_page(client, "R&D")
    assert titles(html) == ["Budgets"]
    assert "Our <mark>R&amp;D</mark> budget." in html


# --- Papers -------------------------------------------------------------------------------


def test_papers_are_found_by_title_and_by_description_and_link_to_their_page(client):
    post = make_post(title="Announcing two papers")
    by_title = make_paper("Recovery: the business case", on=post)
    make_paper("Peer workers", "How recovery colleges began.", on=post)
    html = search_page(client, "recovery")
    found = results(html)
    assert [result["title"] for result in found] == [
        "Recovery: the business case",
        "Peer workers",
    ]
    assert {result["label"] for result in found} == {"Paper"}
    assert found[0]["url"] == by_title.get_absolute_url()
    assert by_title.get_download_url() not in html
    assert "How <mark>recovery</mark> colleges began." in html
    assert "PDF, 1KB" in html


def test_posts_and_papers_are_ranked_together(client):
    post = make_post(title="News", body="<p>A word on recovery.</p>", days_ago=1)
    make_paper("Recovery: the business case", on=post)
    found = results(search_page(client, "recovery"))
    assert [(r["label"], r["title"]) for r in found] == [
        ("Paper", "Recovery: the business case"),
        ("News", "News"),
    ]
    assert found[1]["url"] == post.get_absolute_url()


def test_a_paper_is_dated_by_the_first_published_post_carrying_it(client):
    paper = make_paper("Recovery: the business case")
    attach(make_post(title="Later", days_ago=2), paper)
    first_published = timezone.now() - timedelta(days=400)
    attach(make_post(title="First", published_at=first_published), paper)
    attach(make_post(title="Draft", status=Post.Status.DRAFT), paper)
    html = search_page(client, "business")
    # The local date of that instant (not 400 days of wall-clock time, which differs at night).
    expected = timezone.localtime(first_published).date()
    assert f'<time datetime="{expected:%Y-%m-%d}' in html


def test_a_paper_on_several_published_posts_appears_once(client):
    paper = make_paper("Recovery: the business case")
    attach(make_post(title="First"), paper)
    attach(make_post(title="Second"), paper)
    assert titles(search_page(client, "business")) == ["Recovery: the business case"]


def test_papers_are_found_by_the_text_inside_them_quoted_from_the_right_page(client):
    text = "Contents\fChapter one on peer work.\fWhy recovery colleges matter to everyone."
    paper = make_paper("Annual report", "What we did this year.", text=text)
    html = search_page(client, "colleges")
    assert titles(html) == ["Annual report"]
    assert results(html)[0]["url"] == paper.get_absolute_url()
    assert (
        '<p class="snippet"><span class="snippet-page">Page 3:</span> '
        "Why recovery <mark>colleges</mark> matter to everyone.</p>"
    ) in html
    assert "Chapter one" not in html  # the snippet stays on its page


def test_a_paper_whose_description_matches_is_quoted_from_it_without_a_page(client):
    make_paper("Annual report", "Our recovery colleges.", text="Recovery colleges\fMore.")
    html = search_page(client, "colleges")
    assert '<p class="snippet">Our recovery <mark>colleges</mark>.</p>' in html
    assert "snippet-page" not in html


def test_papers_rank_title_above_description_above_text(client):
    make_paper("Only inside", text="A word on recovery.")
    make_paper("Described", "About recovery.")
    make_paper("Recovery in the title")
    html = search_page(client, "recovery")
    assert titles(html) == ["Recovery in the title", "Described", "Only inside"]


def test_the_page_of_a_match_counts_form_feeds_before_it():
    assert page_holding("one\ftwo\fthree recovery\ffour", ["recovery"]) == (3, "three recovery")
    assert page_holding("Recovery first", ["recovery"]) == (1, "Recovery first")
    assert page_holding("a\fb", ["recovery"]) == (None, "")


def test_only_the_papers_shown_have_their_text_loaded_in_one_query(
    client, django_assert_max_num_queries
):
    long_text = "filler words " * 5_000 + "\fthe recovery plan"
    for number in range(25):
        make_paper(f"Report {number:02d}", text=long_text)
    with django_assert_max_num_queries(SEARCH_QUERIES) as queries:
        html = search_page(client, "recovery")
    assert html.count("Page 2:") == 10
    selecting_text = [
        query["sql"]
        for query in queries.captured_queries
        if '"documents_document"."text"' in query["sql"]
    ]
    # The ranked query only searches the text; one more loads it for the papers shown.
    assert len(selecting_text) == 1
    assert " IN (" in selecting_text[0]
