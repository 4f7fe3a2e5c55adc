"""A visitor's query as the words to look for, within the bounds documents.search_query sets."""

from dataclasses import dataclass

from documents import search_query

# Quotes and sentence punctuation around a word are not part of what people look for.
_EDGE_PUNCTUATION = "\"'“”‘’«».,;:!?()[]{}"


@dataclass(frozen=True)
class Query:
    """What is searched for: the query as echoed, and its terms."""

    text: str  # spaces tidied, cut to search_query.MAX_QUERY_LENGTH characters
    terms: list[str]  # at most search_query.MAX_TERMS of them
    ignored_terms: int = 0  # words beyond search_query.MAX_TERMS, left out of the search


def parse_query(query: str) -> Query:
    """The query tidied and cut to the limits, with the terms to search for."""
    text = search_query.tidy(query)
    terms = parse_terms(text)
    return Query(
        text=text,
        terms=terms[: search_query.MAX_TERMS],
        ignored_terms=max(0, len(terms) - search_query.MAX_TERMS),
    )


def parse_terms(query: str) -> list[str]:
    """The distinct words of a query, lower-cased, without 1-character words or edge quotes."""
    terms = []
    for word in query.split():
        term = word.strip(_EDGE_PUNCTUATION).lower()
        if len(term) > 1 and term not in terms:
            terms.append(term)
    return terms
