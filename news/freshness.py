"""When news content last changed, for Last-Modified, ETag and 304 answers on its pages.

The site's content stamp (freshness.stamp) moves on every save and delete; posts that appear,
expire or whose event ends do so without anyone saving them, so those moments are read from
the posts themselves and the later of the two wins.

The shared cache in front (deploy/nginx/) revalidates its copy of a page every second, sending
both validators back. Last-Modified counts whole seconds, so two changes within one second
would look like one and the second would never show; the ETag is the same moment to the
microsecond, and Django lets it decide when both are sent. Both come from one reading.
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


_READING = "_content_last_modified"  # the request's attribute holding the one reading


def content_last_modified(request=None, *args, **kwargs) -> datetime | None:
    """When anything a public page shows last changed (a `condition` last_modified_func)."""
    if hasattr(request, _READING):
        return getattr(request, _READING)
    moments = [site_changed_at(), *moments_without_a_save(timezone.now())]
    changed = max(filter(None, moments), default=None)
    if request is not None:
        setattr(request, _READING, changed)
    return changed


def content_etag(request, *args, **kwargs) -> str | None:
    """The same moment to the microsecond, for visitors without cookies (a `condition`
    etag_func). A visitor with a cookie may see something of their own (a reply awaiting
    moderation) that moves no stamp: their pages keep the ETag of their own bytes."""
    if request.COOKIES:
        return None
    changed = content_last_modified(request)
    return None if changed is None else f'W/"{changed.timestamp():.6f}"'


conditional_on_content = condition(etag_func=content_etag, last_modified_func=content_last_modified)
