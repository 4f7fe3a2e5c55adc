"""Every bound on a search, in one place: what is read of a query and how much is returned.

Read as attributes of this module (`limits.CANDIDATES`), so a test may lower one.
"""

# What is read of a query (MAX_QUERY_LENGTH characters, MAX_TERMS words) is the papers
# library's too, so it is said once, in documents.search_query.
# A query found in more posts (or papers) than this is ranked among the most recently written
# this many only: ranking every one of 100,000 posts would take most of a second.
RANKED_AT_MOST = 2_000
CANDIDATES = 200  # the best this many results are kept, per type and in all
PER_PAGE = 10  # results on a page
SNIPPET_WORDS = 30  # words quoted around a match
