"""Names staff read in the admin where a model's own name is the programmers' word.

Replies are stored as comments (the model, its tables and its code say so); everywhere staff
and visitors look, the site calls them replies. Lists and the app list ask here.
"""

PLURALS = {"comments.comment": "replies"}


def plural(opts) -> str:
    """The plural staff read for a model, given its _meta: "replies", "posts", "papers"."""
    return PLURALS.get(opts.label_lower, str(opts.verbose_name_plural))
