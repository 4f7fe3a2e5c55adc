"""What other apps may ask of news, as small explicit functions."""

from django.db.models import Exists, OuterRef

from news.models import Attachment, Post


def only_published_documents(documents):
    """Narrow a queryset of papers to those attached to at least one published post."""
    on_published_post = Attachment.objects.filter(
        document=OuterRef("pk"), post__in=Post.objects.published()
    )
    return documents.filter(Exists(on_published_post))
