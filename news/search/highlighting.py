"""Matches made visible: terms marked in text, snippets quoted around them, pages found."""

import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from news.search import limits

# Endings taken off a term to mark the other forms of its word that the stemming index finds
# ("supporting" found "support"): a rough English rule, enough to show why a result matched.
_ENDINGS = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s", "y")
_SHORTEST_STEM = 4


def stem(term: str) -> str:
    """The start shared by the forms of `term`'s word: "supporting" and "support" → "support"."""
    for ending in _ENDINGS:
        if term.endswith(ending) and len(term) - len(ending) >= _SHORTEST_STEM:
            return term[: -len(ending)]
    return term


def matcher(terms: list[str]) -> re.Pattern:
    """A pattern finding any of the terms, or a word sharing its stem, whatever their case;
    the match is group 1."""
    # Whole words from a stem first, then the terms themselves, longest first, so "recovery"
    # is marked whole rather than as "recover" + "y".
    stems = sorted({stem(term) for term in terms}, key=len, reverse=True)
    words = [rf"\b{re.escape(start)}\w*" for start in stems]
    literal = sorted((re.escape(term) for term in terms), key=len, reverse=True)
    return re.compile(f"({'|'.join(words + literal)})", re.IGNORECASE)


def mark_terms(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with every occurrence of a term wrapped in <mark>."""
    if not terms:
        return format_html("{}", text)
    # With one capturing group, split() alternates text (even) and matches (odd).
    pieces = matcher(terms).split(text)
    marked = (format_html("<mark>{}</mark>", p) if i % 2 else p for i, p in enumerate(pieces))
    return format_html_join("", "{}", ((piece,) for piece in marked))


def snippet(texts: list[str], terms: list[str], words: int | None = None) -> SafeString:
    """About `words` words (limits.SNIPPET_WORDS unless given) around the first match in the
    first text that has one, marked up.

    With no match in any text (the title matched), the opening words of the first non-empty
    text.
    """
    words = words or limits.SNIPPET_WORDS
    found = matcher(terms) if terms else None
    for text in texts:
        if found and (match := found.search(text)):
            break
    else:
        text, match = next((text for text in texts if text), ""), None
    spans = [word.span() for word in re.finditer(r"\S+", text)]
    if not spans:
        # With its argument written: bandit's mark_safe check fails on a call without one.
        return SafeString("")
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


def page_holding(text: str, terms: list[str]) -> tuple[int | None, str]:
    """The number (from 1) and text of the first page of `text` with a term; (None, "") if none.

    Pages are separated by form feeds, as the text is extracted from the file.
    """
    match = matcher(terms).search(text) if terms else None
    if match is None:
        return None, ""
    start = text.rfind("\f", 0, match.start()) + 1
    end = text.find("\f", match.end())
    page_text = text[start:] if end == -1 else text[start:end]
    return text.count("\f", 0, match.start()) + 1, page_text
