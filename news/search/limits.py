"""Every bound on a search, in one place: what is read of a query and how much is returned.

Read as attributes of this module (`limits.CANDIDATES`), so a test may lower one.
"""

# What is read of a query (MAX_QUERY_LENGTH characters, MAX_TERMS words) is the papers
# library's too, so it is said once, in documents.search_query.
# A query found in more posts than this is ranked among the most recently written this many
# only: ranking costs time for every row ranked (every one of 100,000 posts would take most of a
# second; 1,000 take 5 to 10 ms on either database).
RANKED_AT_MOST = 1_000
# The same for papers, lower: a paper's index entry holds the words of its whole text, so
# ranking one costs many posts' worth (PostgreSQL reads each entry whole: 2,000 papers took
# 40 ms at 100,000 posts and 5,000 papers). 100 keep a common word's search at 100,000 posts
# within the time it takes at 1,000 (issue 14: 500 made it 1.5x, the papers' ranking alone
# 10 ms against 21); a search of words found in fewer papers than this ranks every one.
PAPERS_RANKED_AT_MOST = 100
CANDIDATES = 200  # the best this many results are kept, per type and in all
PER_PAGE = 10  # results on a page
SNIPPET_WORDS = 30  # words quoted around a match
