"""Counts of public lists kept until content changes, so numbered pages cost the same at any size.

A list's page numbers need its count, and COUNT(*) reads every row it counts: at 100,000 posts
the count of the news list or the sitemap is most of the page's time. Yet a count of public
content only changes when content does, and news.freshness.content_last_modified() moves on
every save and delete and at each moment a post appears or expires. So a count is kept in the
cache under that moment and the query that made it, and asked again only after a change.

The query holds the moment it was asked (published() compares dates with "now"), which differs
on every request. Any moment after the last change and up to now gives the same answer: no
stored date falls between them (a save moves the stamp, and a post's own dates are among the
moments read), so such a moment is written "now" in the key and the kept count is found again.
"""

import hashlib
from datetime import UTC, datetime

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from freshness import kept
from news.freshness import content_last_modified

# Bounds how long an unused count stays in the cache; a change replaces it at once anyway.
KEPT_SECONDS = 600


def kept_count(queryset: QuerySet, request=None) -> int:
    """queryset.count(), asked of the database once per change of content (as `request` read
    it, when there is one: a page reads the content's moment once)."""
    changed = content_last_modified(request)
    if changed is None:
        return queryset.count()
    key = _key(queryset, changed)
    count = kept.read(key)
    if count is None:
        count = queryset.count()
        kept.keep(key, count, KEPT_SECONDS)
    return count


class KeptCountPaginator(Paginator):
    """A Paginator of a public list whose count is kept until content changes."""

    def __init__(self, object_list, per_page, *, request=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.request = request

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return kept_count(self.object_list, self.request)
        return super().count


def _key(queryset: QuerySet, changed: datetime) -> str:
    sql, params = _rows_counted(queryset)
    now = timezone.now()
    shown = ["now" if _between(param, changed, now) else repr(param) for param in params]
    text = "\n".join([connections[queryset.db].alias, sql, *shown])
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"kept-count:{changed.timestamp():.6f}:{digest}"


def _rows_counted(queryset: QuerySet) -> tuple[str, tuple]:
    """The SQL of which rows the queryset has (its tables, joins, conditions, DISTINCT and
    slice), without what a count ignores: the columns, the joins of select_related and the
    order. Only ever a key, never run. Written in an eighth of the time of the whole SELECT
    (120 us against 1 ms for the news list's), which every rendered list page paid."""
    query = queryset.query.chain()
    query.clear_select_clause()  # and select_related
    query.clear_ordering(force=True)
    return query.sql_with_params()


def _between(param, after: datetime, up_to: datetime) -> bool:
    moment = _moment(param)
    return moment is not None and after < moment <= up_to


def _moment(param) -> datetime | None:
    """A query parameter as an aware moment, if it is one: PostgreSQL's are datetimes, SQLite's
    the text of a UTC time ("2026-12-07 18:32:01.428978")."""
    if isinstance(param, datetime):
        return param if timezone.is_aware(param) else param.replace(tzinfo=UTC)
    if isinstance(param, str) and len(param) in (19, 26) and param[4] == "-" and param[10] == " ":
        try:
            return datetime.fromisoformat(param).replace(tzinfo=UTC)
        except ValueError:
            return None
    return None
