"""What a query finds: published posts and public papers, ranked together, best first."""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Min
from django.utils.html import format_html
from django.utils.safestring import SafeString

from documents.models import Document
from news.models import Attachment, Post
from news.search import limits
from news.search.highlighting import mark_terms, matcher, page_holding, snippet
from news.search.parsing import parse_query
from news.search.scoring import PAPER_FIELDS, ranked


@dataclass
class Result:
    """One post or paper as the results page shows it."""

    kind: str  # "post" or "paper"
    label: str  # what visitors read: the post's category, or "Paper"
    title: str
    url: str
    date: datetime
    score: float
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
    """What a query found: the best results first, at most limits.CANDIDATES of them."""

    query: str
    terms: list[str]
    results: list[Result]
    capped: bool = False  # more matched than limits.CANDIDATES; only the best are kept
    ignored_terms: int = 0  # words beyond search_query.MAX_TERMS, left out of the search


def search(query: str) -> Search:
    """Published posts and public papers holding every word of `query`, best first."""
    parsed = parse_query(query)
    if not parsed.terms:
        return Search(query=parsed.text, terms=[], results=[])
    posts, papers = _post_results(parsed.terms), _paper_results(parsed.terms)
    capped = len(posts) > limits.CANDIDATES or len(papers) > limits.CANDIDATES
    found = posts + papers
    found.sort(key=lambda result: (-result.score, -result.date.timestamp(), result.kind))
    capped = capped or len(found) > limits.CANDIDATES
    return Search(
        query=parsed.text,
        terms=parsed.terms,
        results=found[: limits.CANDIDATES],
        capped=capped,
        ignored_terms=parsed.ignored_terms,
    )


def highlight(results: list[Result], terms: list[str]) -> None:
    """Fill in the marked-up title and snippet of each result on the page shown.

    A paper whose description lacks the terms is quoted from the page of its text holding one.
    """
    if terms:
        _quote_pages(results, terms)
    for result in results:
        result.title_html = mark_terms(result.title, terms)
        result.snippet = snippet(result.texts, terms)
        if result.page:
            result.snippet = format_html(
                '<span class="snippet-page">Page {}:</span> {}', result.page, result.snippet
            )


def _post_results(terms: list[str]) -> list[Result]:
    posts = (
        Post.objects.published()
        .search(terms)
        .select_related("category")
        .only("slug", "title", "excerpt", "body_text", "published_at", "category__name")
        # Anything not loaded above would cost a query per row: fail loudly instead.
        .fetch_mode(models.FETCH_RAISE)
        .order_by("-score", "-published_at", "-pk")[: limits.CANDIDATES + 1]
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
    papers = list(
        ranked(Document.objects.public(), terms, PAPER_FIELDS)
        # Not the text: it may be megabytes, and only the page shown needs it (_quote_pages).
        .only("title", "slug", "description", "size", "file_type", "uploaded_at")
        .fetch_mode(models.FETCH_RAISE)
        .order_by("-score", "-uploaded_at", "-pk")[: limits.CANDIDATES + 1]
    )
    # A paper is dated by the first published post that carries it, or by its upload when it
    # is in the library only. Asked for the papers kept only, in one more query: asked within
    # the ranking, it was asked of every paper found (a second at 5,000 papers).
    first_published = dict(
        Attachment.objects.on_published_posts()
        .filter(document__in=[paper.pk for paper in papers])
        .order_by()
        .values("document")
        .annotate(first=Min("post__published_at"))
        .values_list("document", "first")
    )
    for paper in papers:
        paper.published_at = first_published.get(paper.pk) or paper.uploaded_at
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


def _quote_pages(results: list[Result], terms: list[str]) -> None:
    """Quote the text's page for each paper shown whose description lacks the terms.

    One query for all the papers on the page, none when it shows no such paper.
    """
    found = matcher(terms)
    quoting = {
        r.paper_id: r
        for r in results
        if r.kind == "paper" and r.paper_id is not None and not found.search(r.summary)
    }
    if not quoting:
        return
    for pk, text in Document.objects.filter(pk__in=quoting).order_by().values_list("pk", "text"):
        quoting[pk].page, quoting[pk].body_text = page_holding(text, terms)
