"""Every bound on a search, in one place: what is read of a query and how much is returned.

Read as attributes of this module (`limits.CANDIDATES`), so a test may lower one.
"""

MAX_QUERY_LENGTH = 200  # characters of the query kept, after runs of spaces become one
MAX_TERMS = 8  # words searched; further ones are left out and the page says so
CANDIDATES = 200  # the best this many results are kept, per type and in all
PER_PAGE = 10  # results on a page
SNIPPET_WORDS = 30  # words quoted around a match
