"""Site search: published posts and public papers, ranked together, matches highlighted.

Through the database's full-text index (documents.full_text: SQLite FTS5 or PostgreSQL's
tsvector), stemmed on both. A search costs the same few queries whatever the amount of content:
one for posts and one for papers, each ranking at most the newest limits.RANKED_AT_MOST
(PAPERS_RANKED_AT_MOST) rows holding the words and keeping the best limits.CANDIDATES, so no
query ranks or counts every match; then one for the papers on the page shown (their dates, and
the text inside them, which can be long, only where it is quoted). Paging cuts the kept list:
nothing is ranked again. Snippets are made in Python from the rows shown.

One module per job: `limits` (every bound, said once), `parsing` (a query into terms),
`scoring` (the database's ranking of one queryset), `results` (posts and papers found
together) and `highlighting` (titles and snippets marked up). The page is news.views.search.
"""
