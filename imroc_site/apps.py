from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save

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
]


class ImrocSiteConfig(AppConfig):
    """The project itself: wires the apps together and owns the staff groups."""

    name = "imroc_site"
    verbose_name = "Site"

    def ready(self):
        from comments.models import Comment
        from news.freshness import mark_site_changed

        # A signal here, against the house rule, because this is cache invalidation: every
        # save or delete, from any form, action or command, must make pages fresh again.
        for label in SHOWN_ON_PAGES:
            model = apps.get_model(label)
            post_save.connect(mark_site_changed, sender=model, dispatch_uid=f"fresh-save-{label}")
            post_delete.connect(mark_site_changed, sender=model, dispatch_uid=f"fresh-del-{label}")
        post_save.connect(_published_reply_changed, sender=Comment, dispatch_uid="fresh-reply")
        post_delete.connect(_published_reply_changed, sender=Comment, dispatch_uid="fresh-reply")


def _published_reply_changed(sender, instance, **signal_arguments):
    from news.freshness import mark_site_changed

    if instance.status == instance.Status.APPROVED:
        mark_site_changed()
