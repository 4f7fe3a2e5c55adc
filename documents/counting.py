"""Counting a paper's downloads: in the database at once, or deferred and added in batches.

settings.DOCUMENTS_COUNT_DOWNLOADS chooses:

- "direct": each download adds itself to the paper's total and its day's row (two UPDATEs in
  the request). Simple, and what tests and a first run use; a write per download.
- "spool": each download appends one line to a file on this machine
  (DOCUMENTS_COUNT_SPOOL, documents.spooled_counts), and the batch is folded into the
  database once a minute, by the download that finds it older than that, or by
  `manage.py flush_download_counts`. For one machine: no Redis, no timer needed.
- "deferred": each download is one HINCRBY in Redis (REDIS_URL) — no write to the database,
  no row lock on a popular paper's row — and `flush()` (`manage.py flush_download_counts`,
  run every minute by cron or a systemd timer) adds the batch to the database. For several
  machines: one shared batch.

Why deferred loses nothing on a restart: the counts are kept in Redis, never in an app
process, so an app server or worker may restart or die at any moment without losing one.
A flush first renames the pending hash (atomic: downloads arriving meanwhile start a new
one), adds it to the database in one transaction, and only then deletes it; a flush that
died halfway leaves the renamed hash behind, and the next flush adds it first. The one gap
is the instant between the commit and the delete: a crash exactly there counts that batch
twice, never loses it. Redis keeps the counts across its own restart with its append-only
file (`appendonly yes`, see README "Running on several machines"). A lock in Redis lets
one flush run at a time, whichever machine's cron starts it. The spool keeps the same
promises with a file and a file lock (documents.spooled_counts).
"""

import functools
from importlib import import_module
from types import ModuleType

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from documents import spooled_counts
from documents.models import Document

MODES = ("direct", "spool", "deferred")


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
def deferred() -> ModuleType:
    """documents.deferred_counts, loaded when first needed: the Redis client is some 15 MB in
    every process, which a site counting otherwise has no use for."""
    return import_module("documents.deferred_counts")


def _batched() -> ModuleType:
    return spooled_counts if mode() == "spool" else deferred()


def record(document: Document) -> None:
    """Count one download of `document`, today (UK time), as the settings say."""
    if mode() == "direct":
        document.record_download()
    else:
        _batched().record(document.pk, timezone.localdate())


def waiting() -> int:
    """Downloads counted in the spool or Redis and not yet in the database."""
    return 0 if mode() == "direct" else _batched().waiting()


def flush() -> int:
    """Add the downloads waiting in the spool or Redis to the database; returns how many.

    Nothing to do when counting is direct; 0 when another flush holds the lock.
    """
    return 0 if mode() == "direct" else _batched().flush()
