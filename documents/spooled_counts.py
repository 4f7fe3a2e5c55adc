"""Spooled download counting: a line appended to a file on this machine per download, folded
into the database in batches (DOCUMENTS_COUNT_DOWNLOADS=spool; see documents.counting).

For one machine without Redis. A download costs one small append (O_APPEND: the kernel puts
each line whole at the end, whichever process writes it) and no database write; the file
outlives any process, so a worker that restarts or dies loses no count. A fold renames the
file aside (new downloads start a new one), adds its lines to the database in one transaction,
and only then deletes it; a fold that died leaves the renamed batch behind, and the next fold
adds it first. A crash in the instant between the commit and the delete counts that batch
twice, never loses it (as the Redis mode). A power cut may lose what the kernel had not yet
written to disk, as with any file.

Renaming under writers: a writer holds a shared lock on the file while it appends, and only
appends once it has checked that the name still leads to the file it opened. The fold renames
the file, then takes the exclusive lock, which waits for appends already under way; any later
writer finds the name gone or new and appends there instead. So after the fold holds that
lock, nothing more reaches the renamed batch.

Folded without any timer: each line carries its second, and the download that appends to a
batch older than DOCUMENTS_COUNT_FOLD_SECONDS folds it in the same request (one download a
minute pays for the minute's batch). `manage.py flush_download_counts` folds at once, for a
quiet site's last downloads.
"""

import fcntl
import logging
import os
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from django.conf import settings

from documents.models import Document

logger = logging.getLogger(__name__)

PENDING = "pending.log"
BATCH_PREFIX = "batch-"
LOCK = "fold.lock"
# A line: "<paper id> <day, ISO> <second it was counted>\n"; the first line is read for its
# second, so a batch's age costs one small read.
FIRST_LINE_BYTES = 64


def folder() -> Path:
    return Path(settings.DOCUMENTS_COUNT_SPOOL)


def record(document_id: int, day: date) -> None:
    now = int(time.time())
    line = f"{document_id} {day.isoformat()} {now}\n".encode()
    path = folder() / PENDING
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except FileNotFoundError:
            folder().mkdir(mode=0o700, parents=True, exist_ok=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            if not _still_named(fd, path):
                continue  # a fold took this file aside: append to the new one
            os.write(fd, line)
            started = _first_second(fd)
        finally:
            os.close(fd)  # and with it the lock
        break
    if started is not None and now - started >= settings.DOCUMENTS_COUNT_FOLD_SECONDS:
        flush()


def _still_named(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _first_second(fd: int) -> int | None:
    first = os.pread(fd, FIRST_LINE_BYTES, 0).split(b"\n", 1)[0].split()
    return int(first[2]) if len(first) == 3 and first[2].isdigit() else None


def waiting() -> int:
    """Downloads in this machine's spool, not yet in the database."""
    files = [folder() / PENDING, *_batches()]
    return sum(_read(path).total() for path in files if path.exists())


def flush() -> int:
    """Fold this machine's spool into the database; returns how many downloads were added.

    0 when another fold on this machine holds the lock.
    """
    try:
        lock = os.open(folder() / LOCK, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except FileNotFoundError:
        return 0  # no folder: nothing was ever counted here
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0
        added = sum(_fold(batch) for batch in _batches())  # left by a fold that died
        pending = folder() / PENDING
        if pending.exists():
            batch = folder() / f"{BATCH_PREFIX}{time.time_ns()}.log"
            os.rename(pending, batch)
            _wait_for_writers(batch)
            added += _fold(batch)
        return added
    finally:
        os.close(lock)


def _batches() -> list[Path]:
    return sorted(folder().glob(f"{BATCH_PREFIX}*.log"))


def _wait_for_writers(batch: Path) -> None:
    fd = os.open(batch, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    finally:
        os.close(fd)


class _Counts(defaultdict):
    def total(self) -> int:
        return sum(self.values())


def _read(path: Path) -> _Counts:
    counts = _Counts(int)
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        try:
            pk, iso_day, _ = line.split()
            counts[int(pk), date.fromisoformat(iso_day.decode())] += 1
        except ValueError:  # only a line cut short by a power cut: say so, keep the rest
            logger.warning("Skipped a damaged line %s of %s: %r", number, path, line)
    return counts


def _fold(batch: Path) -> int:
    counts = _read(batch)
    Document.add_download_batch(counts)
    batch.unlink()
    return counts.total()
