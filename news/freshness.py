"""When news content last changed, for Last-Modified and 304 answers on its pages.

The site's content stamp (freshness.stamp) moves on every save and delete; posts that appear,
expire or whose event ends do so without anyone saving them, so those moments are read from
the posts themselves and the later of the two wins.
"""

from datetime import datetime

from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.views.decorators.http import condition

from freshness.stamp import site_changed_at
from news.conditions import upcoming_condition
from news.models import Post


def moments_without_a_save(now: datetime) -> list[datetime | None]:
    """The latest times, up to `now`, a post appeared, expired or its event ended."""
    event_over = Q(event_start__isnull=False) & ~upcoming_condition(now)
    moments = Post.objects.aggregate(
        appeared=Max("published_at", filter=Q(published_at__lte=now)),
        expired=Max("expires_at", filter=Q(expires_at__lte=now)),
        event_ended=Max(Coalesce("event_end", "event_start"), filter=event_over),
    )
    return list(moments.values())


def content_last_modified(request=None, *args, **kwargs) -> datetime | None:
    """When anything a public page shows last changed (a `condition` last_modified_func)."""
    moments = [site_changed_at(), *moments_without_a_save(timezone.now())]
    return max(filter(None, moments), default=None)


conditional_on_content = condition(last_modified_func=content_last_modified)
