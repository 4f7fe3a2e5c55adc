import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import Document
from news.models import Post
from news.search import limits
from news.search.highlighting import page_holding, snippet
from news.search.parsing import parse_terms
from news.search.results import search
from tests.factories import attach, make_document, make_post

pytestmark = pytest.mark.django_db

RESULT = re.compile(
    r'<article class="post-card search-result">\s*<h2><a href="(?P<url>[^"]+)">(?P<title>.*?)</a>'
    r'.*?<span class="result-type">(?P<label>[^<]*)</span>.*?</article>',
    re.DOTALL,
)


def search_page(client, q=None, **params) -> str:
    query = {"q": q} if q is not None else {}
    response = client.get(reverse("news:search"), {**query, **params})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def results(html: str) -> list[dict]:
    """Each result on the page: its link, title as text, and type label, in page order."""
    return [
        {**found.groupdict(), "title": re.sub(r"<[^>]+>", "", found["title"])}
        for found in RESULT.finditer(html)
    ]


def titles(html: str) -> list[str]:
    return [result["title"] for result in results(html)]


def make_paper(title: str, description: str = "", *, on: Post | None = None, **fields):
    paper = make_document(title=title, name="paper.pdf")
    paper.description = description
    for name, value in fields.items():
        setattr(paper, name, value)
    paper.save()
    if on is not None:
        attach(on, paper)
    return paper


# --- The form and its states ---------------------------------------------------------------


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


# --- Matching and ranking ------------------------------------------------------------------


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


# --- Papers --------------------------------------------------------------------------------


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
    with django_assert_max_num_queries(3) as queries:
        html = search_page(client, "recovery")
    assert html.count("Page 2:") == 10
    selecting_text = [
        query["sql"]
        for query in queries.captured_queries
        if '"text"' in query["sql"].split(" FROM ")[0]
    ]
    # The ranked query only searches the text; one more loads it for the papers shown.
    assert len(selecting_text) == 1
    assert " IN (" in selecting_text[0]


# --- Nothing unpublished, ever ---------------------------------------------------------------


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


# --- Highlighting and escaping -------------------------------------------------------------


def test_snippet_is_the_body_as_text_with_the_match_marked(client):
    make_post(title="Plans", excerpt="", body="<p>Our <b>recovery</b> plan.</p><p>Next part.</p>")
    html = search_page(client, "recovery")
    assert '<p class="snippet">Our <mark>recovery</mark> plan. Next part.</p>' in html
    assert "&lt;b&gt;" not in html
    assert "<b>" not in html


def test_snippet_quotes_about_thirty_words_around_the_first_match():
    words = [f"w{number}" for number in range(100)]
    words[60] = "Recovery"
    quoted = str(snippet(["", " ".join(words)], ["recovery"]))
    assert quoted.startswith("… w50 ")
    assert "<mark>Recovery</mark>" in quoted
    assert quoted.endswith(" w79 …")
    assert len(quoted.split()) == 30 + 2  # the words and the two ellipses


def test_snippet_without_a_match_in_the_text_opens_the_summary():
    assert str(snippet(["A short summary.", "Body."], ["title"])) == "A short summary."


def test_every_matched_word_is_marked_in_title_and_snippet(client):
    make_post(title="Peer support in recovery", excerpt="Recovery needs peer support.")
    html = search_page(client, "recovery peer")
    assert "<mark>Peer</mark> support in <mark>recovery</mark>" in html
    assert "<mark>Recovery</mark> needs <mark>peer</mark> support." in html


def test_the_query_is_echoed_escaped(client):
    html = search_page(client, "<script>alert(1)</script>")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "No results for “&lt;script&gt;alert(1)&lt;/script&gt;”" in html


def test_staff_text_is_escaped_around_the_marks(client):
    make_post(
        title="Recovery <i>now</i>",
        excerpt='Recovery & "you" <script>x</script>',
        body="<p>Text with &lt;b&gt;recovery&lt;/b&gt; written out.</p>",
    )
    html = search_page(client, "recovery")
    assert "<mark>Recovery</mark> &lt;i&gt;now&lt;/i&gt;" in html
    assert "<mark>Recovery</mark> &amp; &quot;you&quot; &lt;script&gt;x&lt;/script&gt;" in html
    assert "<i>now</i>" not in html
    assert "<script>x" not in html


@pytest.mark.parametrize("query", ["c++", "(c++", "c++ [recovery", "re.*very", "a|b", "\\d+"])
def test_regex_characters_in_the_query_are_plain_text(client, query):
    make_post(title="C++ for recovery teams")
    html = search_page(client, query)
    if query.startswith(("c++", "(c++")):
        assert titles(html) == ["C++ for recovery teams"]
        assert "<mark>C++</mark>" in html
    else:
        assert results(html) == []


# --- Pagination and bounds -----------------------------------------------------------------


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
    # One for posts, one for papers, one for the text of the papers shown.
    with django_assert_max_num_queries(3):
        html = search_page(client, "recovery")
    with django_assert_max_num_queries(3):
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
