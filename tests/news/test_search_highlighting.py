"""Search results highlighted: matches marked, snippets quoted, everything escaped."""

import pytest

from news.search.highlighting import snippet
from tests.factories import make_post
from tests.news.conftest import results, search_page, titles

pytestmark = pytest.mark.django_db


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
