"""Real faults for the fault tests: a database locked by another writer, a database that is
gone, a server that accepts connections and never answers, a disk that fills up mid-file.

Plain helpers (context managers), shared by tests/site, tests/comments and tests/documents;
no mocks: each fault is the real thing the site would meet.
"""

import contextlib
import errno
import socket
import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection

from documents.storage import UploadStorage
from news.renditions import RENDITIONS_DIR


@contextlib.contextmanager
def silent_server():
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte (a hung
    PostgreSQL or SMTP server). Yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stopping = threading.Event()

    def accept_forever():
        while not stopping.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            accepted.append(client)  # kept open, never answered

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stopping.set()
        listener.close()
        for client in accepted:
            client.close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def connection_settings(**changes):
    """Django's default connection reopened with `changes` to its settings (HOST, PORT, NAME,
    OPTIONS...), then reopened as it was: the site meets the fault on its next query."""
    saved = {key: connection.settings_dict.get(key) for key in changes}
    connection.close()
    connection.settings_dict.update(changes)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def is_sqlite() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


needs_sqlite = pytest.mark.skipif(not is_sqlite(), reason="an SQLite file fault")
needs_postgresql = pytest.mark.skipif(
    is_sqlite(), reason="a PostgreSQL fault: run with DATABASE_URL=postgres://... to include it"
)


@contextlib.contextmanager
def sqlite_write_lock(busy_timeout: float = 0.1):
    """Another writer holds SQLite's write lock (BEGIN IMMEDIATE on a second connection to the
    same file) while the site waits only `busy_timeout` seconds for it."""
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    options = {**connection.settings_dict["OPTIONS"], "timeout": busy_timeout}
    try:
        with connection_settings(OPTIONS=options):
            other.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                other.execute("ROLLBACK")
    finally:
        other.close()


class _FillingTheDisk(File):
    """An upload's bytes as a disk with `room` bytes left takes them: then ENOSPC."""

    def __init__(self, file: File, room: int):
        super().__init__(file, file.name)
        self.room = room

    def chunks(self, chunk_size=None):
        for chunk in super().chunks(chunk_size):
            if len(chunk) > self.room:
                yield chunk[: self.room]
                raise OSError(errno.ENOSPC, "No space left on device")
            self.room -= len(chunk)
            yield chunk


class FullDiskStorage(UploadStorage):
    """The site's storage on a disk that fills up `FULL_DISK_ROOM` bytes into the next file
    (whose name starts with `fills_up_at`): the first bytes really reach the disk, the rest
    fail with ENOSPC as the kernel's would."""

    fills_up_at = ""

    def _save(self, name, content):
        if name.startswith(self.fills_up_at):
            content = _FillingTheDisk(content, FULL_DISK_ROOM)
        return super()._save(name, content)


class FullAtPreviewsStorage(FullDiskStorage):
    """The paper's own file fits; the disk fills up while its previews are written."""

    fills_up_at = "documents/previews/"


class FullAtRenditionsStorage(FullDiskStorage):
    """The post's featured image fits; the disk fills up while its renditions are written."""

    fills_up_at = RENDITIONS_DIR


FULL_DISK_ROOM = 100


def full_disk(settings, storage: type[FullDiskStorage] = FullDiskStorage) -> None:
    """The site's uploads go to a FullDiskStorage (under the test's MEDIA_ROOT)."""
    backend = f"{__name__}.{storage.__name__}"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}


def files_under(folder) -> list[str]:
    return sorted(str(path) for path in Path(folder).rglob("*") if path.is_file())


@contextlib.contextmanager
def postgresql_table_lock(model):
    """Another PostgreSQL session holds `model`'s table locked (ACCESS EXCLUSIVE): whoever
    reads or writes it waits, as behind a stuck migration or a hung transaction."""
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )
    try:
        other.execute(f'LOCK TABLE "{model._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
        yield
    finally:
        other.rollback()
        other.close()
