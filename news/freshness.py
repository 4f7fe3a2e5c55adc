"""When public content last changed, for Last-Modified and 304 answers.

Coarse on purpose: any change anywhere makes every page fresh again, which keeps the rule
simple and never wrong. Saves and deletes bump one stamp (wired in imroc_site.apps); posts
that appear, expire or whose event ends do so without anyone saving them, so those moments
are read from the posts themselves.
"""

from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.views.decorators.http import condition

from news.models import ContentStamp, Post


def content_last_modified(request=None, *args, **kwargs):
    now = timezone.now()
    stamp = ContentStamp.objects.values_list("changed_at", flat=True).first()
    event_over = Q(event_end__lt=now) | Q(event_end__isnull=True, event_start__lt=now)
    moments = Post.objects.aggregate(
        appeared=Max("published_at", filter=Q(published_at__lte=now)),
        expired=Max("expires_at", filter=Q(expires_at__lte=now)),
        event_ended=Max(Coalesce("event_end", "event_start"), filter=event_over),
    )
    return max(filter(None, [stamp, *moments.values()]), default=None)


def mark_site_changed(**signal_arguments) -> None:
    """Record that public content changed now (also a receiver for save and delete signals)."""
    now = timezone.now()
    if not ContentStamp.objects.filter(pk=1).update(changed_at=now):
        ContentStamp.objects.get_or_create(pk=1, defaults={"changed_at": now})


conditional_on_content = condition(last_modified_func=content_last_modified)
