"""What a query finds: published posts and public papers, ranked together, best first."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, F, OuterRef, Subquery, TextField, Value, When
from django.utils.html import format_html
from django.utils.safestring import SafeString

from documents.models import Document, human_size
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
    slug: str  # with the kind (and a paper's id), what its address is made from
    # A post's publication; a paper's upload until highlight() dates the papers shown by the
    # first published post carrying them (so it also breaks a tie between a post and a paper).
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
    def url(self) -> str:
        # Made for the results shown only: for the 400 kept, the objects and reverse() would
        # cost milliseconds.
        if self.kind == "post":
            return Post(slug=self.slug).get_absolute_url()
        return Document(pk=self.paper_id, slug=self.slug).get_absolute_url()

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
    """Fill in the marked-up title and snippet of each result on the page shown, and date its
    papers.

    A paper whose description lacks the terms is quoted from the page of its text holding one.
    """
    _read_papers(results, terms)
    for result in results:
        result.title_html = mark_terms(result.title, terms)
        result.snippet = snippet(result.texts, terms)
        if result.page:
            result.snippet = format_html(
                '<span class="snippet-page">Page {}:</span> {}', result.page, result.snippet
            )


# Plain values rather than objects: making 201 posts, their categories and 201 papers as
# objects cost more than the queries finding them (10 ms at 100,000 posts).


def _post_results(terms: list[str]) -> list[Result]:
    rows = (
        Post.objects.published()
        .search(terms)
        .order_by("-score", "-published_at", "-pk")
        .values_list(
            "slug", "title", "excerpt", "body_text", "published_at", "score", "category__name"
        )[: limits.CANDIDATES + 1]
    )
    return [
        Result(
            kind="post",
            label=category,
            title=title,
            slug=slug,
            date=published_at,
            score=score,
            summary=excerpt,
            body_text=body_text,
        )
        for slug, title, excerpt, body_text, published_at, score, category in rows
    ]


def _paper_results(terms: list[str]) -> list[Result]:
    rows = (
        ranked(Document.objects.public(), terms, PAPER_FIELDS)
        .order_by("-score", "-uploaded_at", "-pk")
        # Not the text: it may be megabytes, and only the page shown needs it (_read_papers).
        .values_list(
            "pk", "slug", "title", "description", "file_type", "size", "uploaded_at", "score"
        )[: limits.CANDIDATES + 1]
    )
    return [
        Result(
            kind="paper",
            label="Paper",
            title=title,
            slug=slug,
            date=uploaded_at,
            score=score,
            summary=description,
            note=f"{file_type}, {human_size(size)}",
            paper_id=pk,
        )
        for pk, slug, title, description, file_type, size, uploaded_at, score in rows
    ]


def _read_papers(results: list[Result], terms: list[str]) -> None:
    """Date the papers shown by the first published post carrying them (their upload when in
    the library only), and quote the text's page for those whose description lacks the terms.

    One query for the papers on the page, none when it shows none. Asked of the kept papers
    rather than of the page's, the dates cost 50 ms at 5,000 papers on PostgreSQL.
    """
    papers = {r.paper_id: r for r in results if r.kind == "paper" and r.paper_id is not None}
    if not papers:
        return
    found = matcher(terms) if terms else None
    quoting = [pk for pk, r in papers.items() if found and not found.search(r.summary)]
    first_published = (
        Attachment.objects.on_published_posts()
        .filter(document=OuterRef("pk"))
        .order_by("post__published_at")
        .values("post__published_at")[:1]
    )
    rows = (
        Document.objects.filter(pk__in=papers)
        .order_by()
        # The text may be megabytes: read only for a paper quoted from it.
        .annotate(
            first=Subquery(first_published),
            quoted=Case(
                When(pk__in=quoting, then=F("text")), default=Value(""), output_field=TextField()
            ),
        )
        .values_list("pk", "first", "quoted")
    )
    for pk, first, text in rows:
        result = papers[pk]
        result.date = first or result.date
        if text:
            result.page, result.body_text = page_holding(text, terms)
