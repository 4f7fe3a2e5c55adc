"""How the database ranks rows for a search, through its full-text index (documents.full_text).

A title match outranks a summary match, which outranks a mention in the body (the columns'
weights); a title holding the whole phrase comes before any without it. Used by
Post.objects.search() and for papers alike.
"""

from django.db.models import Case, F, FloatField, Value, When

from documents.full_text import Index, matching
from documents.search_query import PAPERS
from news.search import limits

TITLE_WEIGHT = 10.0
SUMMARY_WEIGHT = 4.0  # a post's excerpt, a paper's description: both summarise the whole
BODY_WEIGHT = 1.0  # a post's body, the text inside a paper
# Above any rank the index gives (bm25 and ts_rank stay far below it).
PHRASE_IN_TITLE_BONUS = 1_000.0

POST_FIELDS = Index(
    table="news_post",
    columns=("title", "excerpt", "body_text"),
    weights=(TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT),
)
PAPER_FIELDS = PAPERS


def ranked(queryset, terms: list[str], fields: Index):
    """Rows holding every term (stemmed) in at least one indexed column, with a `score`;
    among the limits.RANKED_AT_MOST (PAPERS_RANKED_AT_MOST for papers) last written rows
    holding them, when there are more."""
    newest = limits.PAPERS_RANKED_AT_MOST if fields == PAPER_FIELDS else limits.RANKED_AT_MOST
    found = matching(queryset, terms, fields, newest=newest)
    if len(terms) < 2:
        return found.annotate(score=F("rank"))
    # Titles are short: looking for the phrase in those found costs little.
    title = fields.columns[0]
    phrase = When(**{f"{title}__icontains": " ".join(terms)}, then=Value(PHRASE_IN_TITLE_BONUS))
    bonus = Case(phrase, default=Value(0.0), output_field=FloatField())
    return found.annotate(score=F("rank") + bonus)
