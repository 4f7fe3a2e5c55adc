"""A visitor's query as the words to look for, within the limits."""

from dataclasses import dataclass

from news.search import limits

# Quotes and sentence punctuation around a word are not part of what people look for.
_EDGE_PUNCTUATION = "\"'“”‘’«».,;:!?()[]{}"


@dataclass(frozen=True)
class Query:
    """What is searched for: the query as echoed, and its terms."""

    text: str  # spaces tidied, cut to limits.MAX_QUERY_LENGTH characters
    terms: list[str]  # at most limits.MAX_TERMS of them
    ignored_terms: int = 0  # words beyond limits.MAX_TERMS, left out of the search


def parse_query(query: str) -> Query:
    """The query tidied and cut to the limits, with the terms to search for."""
    text = " ".join(query.split())[: limits.MAX_QUERY_LENGTH]
    terms = parse_terms(text)
    return Query(
        text=text,
        terms=terms[: limits.MAX_TERMS],
        ignored_terms=max(0, len(terms) - limits.MAX_TERMS),
    )


def parse_terms(query: str) -> list[str]:
    """The distinct words of a query, lower-cased, without 1-character words or edge quotes."""
    terms = []
    for word in query.split():
        term = word.strip(_EDGE_PUNCTUATION).lower()
        if len(term) > 1 and term not in terms:
            terms.append(term)
    return terms
