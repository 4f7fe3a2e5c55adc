"""When public news content last changed, for Last-Modified and 304 answers."""

from django.db.models import Max, Q
from django.utils import timezone
from django.views.decorators.http import condition

from news.models import Post


def content_last_modified(request, *args, **kwargs):
    """The latest moment any post was saved, appeared (scheduled) or was taken down (expiry).

    Scheduled posts appear and expire without anyone saving them, so their moments count too.
    One aggregate query; coarse on purpose: any change makes every page fresh again.
    """
    now = timezone.now()
    moments = Post.objects.aggregate(
        saved=Max("updated_at"),
        appeared=Max("published_at", filter=Q(published_at__lte=now)),
        expired=Max("expires_at", filter=Q(expires_at__lte=now)),
    )
    return max(filter(None, moments.values()), default=None)


def mark_changed(post_ids) -> None:
    """Record that something shown on these posts' pages (their replies, say) has changed."""
    Post.objects.filter(pk__in=post_ids).update(updated_at=timezone.now())


conditional_on_content = condition(last_modified_func=content_last_modified)
