"""Site search: published posts and public papers, ranked together, matches highlighted.

Portable on purpose: the same icontains filters and Case/When scores run on SQLite and
PostgreSQL, so a query finds the same results in the same order on both. A search costs two
queries whatever the amount of content (one for posts, one for papers), each bounded to the
best limits.CANDIDATES rows; the page's snippets are then made in Python from those rows. The
text inside papers can be long, so it is searched by the database but loaded only for the
papers on the page shown, in one more query.

One module per job: `limits` (every bound, said once), `parsing` (a query into terms),
`scoring` (the database's ranking of one queryset), `results` (posts and papers found
together) and `highlighting` (titles and snippets marked up). The page is news.views.search.
"""
