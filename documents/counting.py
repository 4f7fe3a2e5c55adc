"""Counting a paper's downloads: in the database at once, or deferred through Redis in batches.

settings.DOCUMENTS_COUNT_DOWNLOADS chooses:

- "direct": each download adds itself to the paper's total and its day's row (two UPDATEs in
  the request). Simple, and right for one machine with a light load.
- "deferred": each download is one HINCRBY in Redis (REDIS_URL) — no write to the database,
  no row lock on a popular paper's row — and `flush()` (`manage.py flush_download_counts`,
  run every minute by cron or a systemd timer) adds the batch to the database.

Why deferred loses nothing on a restart: the counts are kept in Redis, never in an app
process, so an app server or worker may restart or die at any moment without losing one.
A flush first renames the pending hash (atomic: downloads arriving meanwhile start a new
one), adds it to the database in one transaction, and only then deletes it; a flush that
died halfway leaves the renamed hash behind, and the next flush adds it first. The one gap
is the instant between the commit and the delete: a crash exactly there counts that batch
twice, never loses it. Redis keeps the counts across its own restart with its append-only
file (`appendonly yes`, see README "Running on several machines"). A lock in Redis lets
one flush run at a time, whichever machine's cron starts it.
"""

import functools
import uuid
from collections import defaultdict
from datetime import date
from typing import cast

import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from documents.models import Document

MODES = ("direct", "deferred")
PENDING = "imroc:downloads:pending"
FLUSHING = "imroc:downloads:flushing"
LOCK = "imroc:downloads:flush-lock"
# Longer than any flush takes; a flush that died leaves a lock that expires by itself.
LOCK_SECONDS = 300


def mode() -> str:
    chosen = settings.DOCUMENTS_COUNT_DOWNLOADS
    if chosen not in MODES:
        raise ImproperlyConfigured(
            f"DOCUMENTS_COUNT_DOWNLOADS must be one of {MODES}, not {chosen!r}"
        )
    if chosen == "deferred" and not settings.REDIS_URL:
        raise ImproperlyConfigured("DOCUMENTS_COUNT_DOWNLOADS=deferred needs REDIS_URL")
    return chosen


@functools.cache
def _client(url: str) -> redis.Redis:
    # One connection pool per process and address, as Django's RedisCache keeps its own.
    return redis.Redis.from_url(url)


def client() -> redis.Redis:
    return _client(settings.REDIS_URL)


def record(document: Document) -> None:
    """Count one download of `document`, today (UK time), as the settings say."""
    if mode() == "direct":
        document.record_download()
        return
    client().hincrby(PENDING, f"{document.pk}:{timezone.localdate().isoformat()}", 1)


def waiting() -> int:
    """Downloads counted in Redis and not yet in the database."""
    if mode() == "direct":
        return 0
    redis_client = client()
    # redis-py's types cover its asyncio client too: the plain client answers lists.
    counts = [cast(list[bytes], redis_client.hvals(key)) for key in (PENDING, FLUSHING)]
    return sum(int(count) for batch in counts for count in batch)


def flush() -> int:
    """Add the downloads waiting in Redis to the database; returns how many were added.

    Nothing to do when counting is direct; 0 when another flush holds the lock.
    """
    if mode() == "direct":
        return 0
    redis_client = client()
    token = uuid.uuid4().hex
    if not redis_client.set(LOCK, token, nx=True, ex=LOCK_SECONDS):
        return 0
    try:
        added = 0
        # A batch that a flush renamed and did not finish (it died) first, then the pending
        # one; at most those two, so a busy site's stream of downloads cannot keep it going.
        for _ in range(2):
            if not redis_client.exists(FLUSHING):
                if not redis_client.exists(PENDING):
                    break
                redis_client.rename(PENDING, FLUSHING)
            added += _add_to_database(cast(dict[bytes, bytes], redis_client.hgetall(FLUSHING)))
            redis_client.delete(FLUSHING)
        return added
    finally:
        # Only our own lock: one that expired and was taken by another flush stays.
        if redis_client.get(LOCK) == token.encode():
            redis_client.delete(LOCK)


def _add_to_database(batch: dict[bytes, bytes]) -> int:
    per_day: dict[tuple[int, date], int] = defaultdict(int)
    for field, value in batch.items():
        pk, iso_day = field.decode().split(":")
        per_day[int(pk), date.fromisoformat(iso_day)] += int(value)
    # A paper deleted since its download has no rows to add to.
    existing = set(
        Document.objects.filter(pk__in={pk for pk, _ in per_day}).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for (document_id, day), count in sorted(per_day.items()):
            if document_id in existing:
                Document.add_downloads(document_id, day, count)
    return sum(per_day.values())
