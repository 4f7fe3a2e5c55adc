"""When news content last changed, for Last-Modified, ETag and 304 answers on its pages.

The site's content stamp (freshness.stamp) moves on every save and delete; posts that appear,
expire or whose event ends do so without anyone saving them, so those moments are read from
the posts themselves and the later of the two wins.

Every public page asks this, so it must cost next to nothing: the moments without a save are
read once (one query over the posts) and kept in the process with the stamp they were read
under and the next such moment still to come. Until the stamp moves or that moment arrives
they cannot change, and each request reads only the stamp: one row, by primary key.

The shared cache in front (deploy/nginx/) revalidates its copy of a page every second, sending
both validators back. Last-Modified counts whole seconds, so two changes within one second
would look like one and the second would never show; the ETag is the same moment to the
microsecond, and Django lets it decide when both are sent. Both come from one reading.

The same reading names what may be kept for as long as content stays as it is (content_key):
whole pages for visitors without cookies (imroc_site/page_cache.py), and the parts of pages
that are the same for every visitor and what those pages look up (news/content_cache.py).
"""

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.views.decorators.http import condition

from freshness.release import release
from freshness.stamp import site_changed_at
from news.conditions import upcoming_condition
from news.models import Post


@dataclass(frozen=True)
class _Moments:
    stamp: datetime | None
    latest: datetime | None  # the latest moment up to when they were read
    valid_until: datetime | None  # the next moment to come; None: none is scheduled


_kept = threading.local()
_READING = "_content_last_modified"  # the request's attribute holding the one reading


def _read_moments(now: datetime, stamp: datetime | None) -> _Moments:
    """The latest times, up to `now`, a post appeared, expired or its event ended, and the
    first such time after `now`, in one query."""
    event_end = Coalesce("event_end", "event_start")
    is_event = Q(event_start__isnull=False)
    moments = Post.objects.aggregate(
        appeared=Max("published_at", filter=Q(published_at__lte=now)),
        expired=Max("expires_at", filter=Q(expires_at__lte=now)),
        event_ended=Max(event_end, filter=is_event & ~upcoming_condition(now)),
        next_appears=Min("published_at", filter=Q(published_at__gt=now)),
        next_expires=Min("expires_at", filter=Q(expires_at__gt=now)),
        next_event_ends=Min(event_end, filter=is_event & upcoming_condition(now)),
    )
    past = [moments["appeared"], moments["expired"], moments["event_ended"]]
    future = [moments["next_appears"], moments["next_expires"], moments["next_event_ends"]]
    return _Moments(
        stamp=stamp,
        latest=max(filter(None, past), default=None),
        valid_until=min(filter(None, future), default=None),
    )


def forget_moments() -> None:
    """Drop what this thread keeps (tests that rewrite posts without a save call it)."""
    _kept.__dict__.clear()


def content_last_modified(request=None, *args, **kwargs) -> datetime | None:
    """When anything a public page shows last changed (a `condition` last_modified_func)."""
    if hasattr(request, _READING):
        return getattr(request, _READING)
    stamp = site_changed_at()
    now = timezone.now()
    kept: _Moments | None = getattr(_kept, "moments", None)
    if kept is None or kept.stamp != stamp or (kept.valid_until and now >= kept.valid_until):
        kept = _kept.moments = _read_moments(now, stamp)
    changed = max(filter(None, [stamp, kept.latest]), default=None)
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
    # The release too: after an upgrade, a copy kept from before it is not "still current".
    return None if changed is None else f'W/"{release()}-{changed.timestamp():.6f}"'


def content_key(request, kind: str, *parts) -> str:
    """A cache key for `kind` and `parts` under the content as it is now: any change to public
    content, or a moment a post appears or expires, moves the reading and so the key, and what
    was kept under the old one is never read again (its lifetime ends it)."""
    changed = content_last_modified(request)
    stamp = f"{changed.timestamp():.6f}" if changed else "0"
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"{kind}:{release()}:{stamp}:{digest}"


conditional_on_content = condition(etag_func=content_etag, last_modified_func=content_last_modified)
