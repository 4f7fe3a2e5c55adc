"""Real faults for the fault tests: a database locked by another writer, a database that is
gone, a server that accepts connections and never answers.

Plain helpers (context managers), shared by tests/site, tests/comments and tests/documents;
no mocks: each fault is the real thing the site would meet.
"""

import contextlib
import socket
import sqlite3
import threading

import pytest
from django.conf import settings
from django.db import connection


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
