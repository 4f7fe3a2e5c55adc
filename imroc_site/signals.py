"""Saves and deletes of anything shown on public pages move the content stamp.

A signal here, against the house rule, because this is cache invalidation: every save or
delete, from any form, action or command, must make pages fresh again. Connected once, from
ImrocSiteConfig.ready().
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from comments.models import Comment
from freshness.stamp import mark_site_changed

# Everything whose change shows on a public page (a post, its papers, tags...). Replies are
# wired apart: only published ones show, and one waiting for moderation must not move every
# page's Last-Modified (that would tell anyone watching that a hidden reply arrived).
SHOWN_ON_PAGES = [
    "news.Post",
    "news.Attachment",
    "news.Category",
    "news.SlugRedirect",
    "taggit.Tag",
    "taggit.TaggedItem",
    "documents.Document",
    "documents.DocumentVersion",
    # Closing replies after N days shows on every post page (the form or "Replies are closed").
    "comments.DiscussionSettings",
]


def published_reply_changed(sender, instance, **signal_arguments) -> None:
    if instance.is_approved:
        mark_site_changed()


def connect() -> None:
    """Wire the stamp to every model above, and to replies while they are published."""
    for label in SHOWN_ON_PAGES:
        model = apps.get_model(label)
        post_save.connect(mark_site_changed, sender=model, dispatch_uid=f"fresh-save-{label}")
        post_delete.connect(mark_site_changed, sender=model, dispatch_uid=f"fresh-del-{label}")
    post_save.connect(published_reply_changed, sender=Comment, dispatch_uid="fresh-reply")
    post_delete.connect(published_reply_changed, sender=Comment, dispatch_uid="fresh-reply")
