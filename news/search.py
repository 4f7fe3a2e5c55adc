"""Site search: published posts and public papers, ranked together, matches highlighted.

Portable on purpose: the same icontains filters and Case/When scores run on SQLite and
PostgreSQL, so a query finds the same results in the same order on both. A search costs two
queries whatever the amount of content (one for posts, one for papers), each bounded to the
best CANDIDATES rows; the page's snippets are then made in Python from those rows. The text
inside papers can be long, so it is searched by the database but loaded only for the papers
on the page shown, in one more query.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, Exists, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from documents.models import Document
from news.models import Attachment, Post

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
CANDIDATES = 200  # the best this many results are kept, per type and in all
PER_PAGE = 10
SNIPPET_WORDS = 30

# Points for each term, from the best field holding it: a title match outranks a summary
# match, which outranks a mention in the body. A title holding the whole phrase earns a bonus.
TITLE_WEIGHT = 10
SUMMARY_WEIGHT = 4  # a post's excerpt, a paper's description: both summarise the whole
BODY_WEIGHT = 1  # a post's body, the text inside a paper
PHRASE_IN_TITLE_BONUS = 20

# Quotes and sentence punctuation around a word are not part of what people look for.
_EDGE_PUNCTUATION = "\"'“”‘’«».,;:!?()[]{}"


def parse_terms(query: str) -> list[str]:
    """The distinct words of a query, lower-cased, without 1-character words or edge quotes."""
    terms = []
    for word in query.split():
        term = word.strip(_EDGE_PUNCTUATION).lower()
        if len(term) > 1 and term not in terms:
            terms.append(term)
    return terms


def _matcher(terms: list[str]) -> re.Pattern:
    # Longest first, so "recovery" is marked whole rather than as "recover" + "y".
    alternatives = sorted((re.escape(term) for term in terms), key=len, reverse=True)
    return re.compile(f"({'|'.join(alternatives)})", re.IGNORECASE)


def mark_terms(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with every occurrence of a term wrapped in <mark>."""
    if not terms:
        return format_html("{}", text)
    # With one capturing group, split() alternates text (even) and matches (odd).
    pieces = _matcher(terms).split(text)
    marked = (format_html("<mark>{}</mark>", p) if i % 2 else p for i, p in enumerate(pieces))
    return format_html_join("", "{}", ((piece,) for piece in marked))


def snippet(texts: list[str], terms: list[str], words: int = SNIPPET_WORDS) -> SafeString:
    """About `words` words around the first match in the first text that has one, marked up.

    With no match in any text (the title matched), the opening words of the first non-empty
    text.
    """
    matcher = _matcher(terms) if terms else None
    for text in texts:
        if matcher and (match := matcher.search(text)):
            break
    else:
        text, match = next((text for text in texts if text), ""), None
    spans = [found.span() for found in re.finditer(r"\S+", text)]
    if not spans:
        return SafeString()
    first = 0
    if match:
        first = next(i for i, (_, end) in enumerate(spans) if end > match.start())
    # A third of the words lead up to the match; near the end, the window slides back.
    start = max(0, min(first - words // 3, len(spans) - words))
    end = min(len(spans), start + words)
    window = text[spans[start][0] : spans[end - 1][1]]
    return format_html(
        "{}{}{}",
        "… " if start > 0 else "",
        mark_terms(window, terms),
        " …" if end < len(spans) else "",
    )


@dataclass
class Result:
    """One post or paper as the results page shows it."""

    kind: str  # "post" or "paper"
    label: str  # what visitors read: the post's category, or "Paper"
    title: str
    url: str
    date: datetime
    score: int
    summary: str  # a post's excerpt or a paper's description: plain text
    body_text: str = ""  # a post's body as plain text; for a paper, the page quoted from
    note: str = ""  # e.g. "PDF, 375KB" for a paper
    paper_id: int | None = None
    page: int | None = None  # the page of a paper the snippet quotes, counted from 1
    title_html: SafeString | None = None  # filled in for the page shown
    snippet: SafeString | None = None

    @property
    def texts(self) -> list[str]:
        """Text to quote a snippet from, best first."""
        return [self.summary, self.body_text]


@dataclass
class Search:
    """What a query found: the best results first, at most CANDIDATES of them."""

    query: str
    terms: list[str]
    results: list[Result]
    capped: bool = False  # more matched than CANDIDATES; only the best are kept
    ignored_terms: int = 0  # words beyond MAX_TERMS, left out of the search


def _contains(field: str, term: str) -> Q:
    return Q(**{f"{field}__icontains": term})


def _ranked(queryset, terms: list[str], fields):
    """Rows holding every term in at least one of `fields`, annotated with a `score`.

    `fields` pairs a weight with a function making the Q that finds a term in that field,
    best field first. Each term scores the weight of the best field holding it.
    """
    every_term = Q()
    score = Value(0)
    for term in terms:
        conditions = [(weight, contains(term)) for weight, contains in fields]
        every_term &= reduce(or_, (condition for _, condition in conditions))
        # The filter guarantees the term is in some field, so the last one needs no test:
        # long bodies are then scanned once per term (in the filter), never again to score.
        *tested, (last_weight, _) = conditions
        whens = [When(condition, then=Value(weight)) for weight, condition in tested]
        score += Case(*whens, default=Value(last_weight))
    if len(terms) > 1:
        phrase_in_title = _contains("title", " ".join(terms))
        score += Case(When(phrase_in_title, then=Value(PHRASE_IN_TITLE_BONUS)), default=Value(0))
    return queryset.filter(every_term).annotate(score=score)


POST_FIELDS = [
    (TITLE_WEIGHT, lambda term: _contains("title", term)),
    (SUMMARY_WEIGHT, lambda term: _contains("excerpt", term)),
    (BODY_WEIGHT, lambda term: _contains("body_text", term)),
]
PAPER_FIELDS = [
    (TITLE_WEIGHT, lambda term: _contains("title", term)),
    (SUMMARY_WEIGHT, lambda term: _contains("description", term)),
    (BODY_WEIGHT, lambda term: _contains("text", term)),
]


def _post_results(terms: list[str]) -> list[Result]:
    posts = (
        _ranked(Post.objects.published(), terms, POST_FIELDS)
        .select_related("category")
        .only("slug", "title", "excerpt", "body_text", "published_at", "category__name")
        # Anything not loaded above would cost a query per row: fail loudly instead.
        .fetch_mode(models.FETCH_RAISE)
        .order_by("-score", "-published_at", "-pk")[: CANDIDATES + 1]
    )
    return [
        Result(
            kind="post",
            label=post.category.name,
            title=post.title,
            url=post.get_absolute_url(),
            date=post.published_at,
            score=post.score,
            summary=post.excerpt,
            body_text=post.body_text,
        )
        for post in posts
    ]


def _paper_results(terms: list[str]) -> list[Result]:
    # A paper is dated by the first published post that carries it, or by its upload when it
    # is in the library only. Each attachment's post is checked by primary key: "post IN
    # (published posts)" here leads SQLite to walk every published post for every paper.
    is_published = Exists(Post.objects.published().filter(pk=OuterRef("post")))
    first_published = (
        Attachment.objects.filter(is_published, document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(first=Min("post__published_at"))
        .values("first")
    )
    papers = (
        _ranked(Document.objects.public(), terms, PAPER_FIELDS)
        .annotate(published_at=Coalesce(Subquery(first_published), F("uploaded_at")))
        # Not the text: it may be megabytes, and only the page shown needs it (_quote_pages).
        .only("title", "slug", "description", "size", "file_type")
        .fetch_mode(models.FETCH_RAISE)
        .order_by("-score", "-published_at", "-pk")[: CANDIDATES + 1]
    )
    return [
        Result(
            kind="paper",
            label="Paper",
            title=paper.title,
            url=paper.get_absolute_url(),
            date=paper.published_at,
            score=paper.score,
            summary=paper.description,
            note=f"{paper.file_type}, {paper.size_label}",
            paper_id=paper.pk,
        )
        for paper in papers
    ]


def page_holding(text: str, terms: list[str]) -> tuple[int | None, str]:
    """The number (from 1) and text of the first page of `text` with a term; (None, "") if none.

    Pages are separated by form feeds, as the text is extracted from the file.
    """
    match = _matcher(terms).search(text) if terms else None
    if match is None:
        return None, ""
    start = text.rfind("\f", 0, match.start()) + 1
    end = text.find("\f", match.end())
    page_text = text[start:] if end == -1 else text[start:end]
    return text.count("\f", 0, match.start()) + 1, page_text


def _quote_pages(results: list[Result], terms: list[str]) -> None:
    """Quote the text's page for each paper shown whose description lacks the terms.

    One query for all the papers on the page, none when it shows no such paper.
    """
    matcher = _matcher(terms)
    quoting = {
        r.paper_id: r for r in results if r.kind == "paper" and not matcher.search(r.summary)
    }
    if not quoting:
        return
    for pk, text in Document.objects.filter(pk__in=quoting).order_by().values_list("pk", "text"):
        quoting[pk].page, quoting[pk].body_text = page_holding(text, terms)


def search(query: str) -> Search:
    """Published posts and public papers holding every word of `query`, best first."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    all_terms = parse_terms(query)
    terms = all_terms[:MAX_TERMS]
    if not terms:
        return Search(query=query, terms=[], results=[])
    posts, papers = _post_results(terms), _paper_results(terms)
    capped = len(posts) > CANDIDATES or len(papers) > CANDIDATES
    found = posts + papers
    found.sort(key=lambda result: (-result.score, -result.date.timestamp(), result.kind))
    capped = capped or len(found) > CANDIDATES
    return Search(
        query=query,
        terms=terms,
        results=found[:CANDIDATES],
        capped=capped,
        ignored_terms=len(all_terms) - len(terms),
    )


@require_safe
def search_view(request):
    """The search form and, given ?q=, one page of results."""
    found = search(request.GET.get("q", ""))
    page = Paginator(found.results, PER_PAGE).get_page(request.GET.get("page"))
    if found.terms:
        _quote_pages(page.object_list, found.terms)
    for result in page.object_list:
        result.title_html = mark_terms(result.title, found.terms)
        result.snippet = snippet(result.texts, found.terms)
        if result.page:
            result.snippet = format_html(
                '<span class="snippet-page">Page {}:</span> {}', result.page, result.snippet
            )
    canonical = {"q": found.query} if found.query else {}
    if page.number > 1:
        canonical["page"] = page.number
    context = {
        "query": found.query,
        "search": found,
        "results": page.object_list,
        "result_count": len(found.results),
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "page_range": page.paginator.get_elided_page_range(page.number),
        "canonical_query": urlencode(canonical),
    }
    return render(request, "news/search.html", context)


urlpatterns = [path("search/", search_view, name="search")]
