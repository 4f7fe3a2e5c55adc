"""Deferred download counting through Redis: see documents.counting, which loads this module
only when DOCUMENTS_COUNT_DOWNLOADS=deferred, so a site counting directly never loads the
Redis client."""

import functools
import uuid
from collections import defaultdict
from datetime import date
from typing import cast

import redis
from django.conf import settings

from documents.models import Document

PENDING = "imroc:downloads:pending"
FLUSHING = "imroc:downloads:flushing"
LOCK = "imroc:downloads:flush-lock"
# Longer than any flush takes; a flush that died leaves a lock that expires by itself.
LOCK_SECONDS = 300


@functools.cache
def _client(url: str) -> redis.Redis:
    # One connection pool per process and address, as Django's RedisCache keeps its own.
    return redis.Redis.from_url(url)


def client() -> redis.Redis:
    return _client(settings.REDIS_URL)


def record(document_id: int, day: date) -> None:
    client().hincrby(PENDING, f"{document_id}:{day.isoformat()}", 1)


def waiting() -> int:
    redis_client = client()
    # redis-py's types cover its asyncio client too: the plain client answers lists.
    counts = [cast(list[bytes], redis_client.hvals(key)) for key in (PENDING, FLUSHING)]
    return sum(int(count) for batch in counts for count in batch)


def flush() -> int:
    """Add the downloads waiting in Redis to the database; returns how many were added.

    0 when another flush holds the lock.
    """
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
    Document.add_download_batch(per_day)
    return sum(per_day.values())
