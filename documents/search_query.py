"""How a visitor's search query is read and what of papers it is matched against: the same
bounds and index for the papers library and the site search.

Here, in the app the others build on, so that news' site search (news/search/limits.py) reads
the very same bounds instead of restating them. Read as attributes of this module, so a test
may lower one.
"""

from documents.full_text import Index

MAX_QUERY_LENGTH = 200  # characters of the query kept, after runs of spaces become one
MAX_TERMS = 8  # words searched; further ones are left out


def tidy(query: str) -> str:
    """The query as searched and echoed: runs of spaces made one, cut to MAX_QUERY_LENGTH."""
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


# What of a paper is searched, and how much each column counts (see documents.full_text).
PAPERS = Index(
    table="documents_document",
    columns=("title", "description", "text"),
    weights=(10.0, 4.0, 1.0),
)
