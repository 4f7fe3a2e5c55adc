"""Everything the site writes is its user's alone: the SQLite database (0600, with its -wal and
-shm files), the folders made for it (0700), uploads (0600 in 0700 folders), checked with
os.stat on real files."""

import os
import sqlite3
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from imroc_site.settings.private_files import make_private_sqlite_file

pytestmark = pytest.mark.django_db


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    """A distribution's usual umask, under which files are otherwise world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_sqlite_file_and_its_new_folders_are_private(tmp_path):
    existing = tmp_path / "srv"
    existing.mkdir(mode=0o755)
    database = existing / "site" / "var" / "db.sqlite3"
    make_private_sqlite_file(database)
    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700 and mode(database.parent.parent) == 0o700
    assert mode(existing) == 0o755  # a folder that was there is left alone

    # SQLite's own journal files take the database file's permissions.
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE reply (text)")
        db.execute("INSERT INTO reply VALUES ('private')")
        for suffix in ("-wal", "-shm"):
            assert mode(f"{database}{suffix}") == 0o600, suffix


def test_an_existing_database_file_is_not_replaced(tmp_path):
    database = tmp_path / "db.sqlite3"
    database.write_bytes(b"kept")
    make_private_sqlite_file(database)
    assert database.read_bytes() == b"kept"


def test_uploads_and_their_folders_are_private(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("papers/2026/report.pdf", ContentFile(b"%PDF-1.7 ..."))
    path = settings.MEDIA_ROOT / name
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(settings.MEDIA_ROOT / "papers") == 0o700


def _settings_value(name: str, **environ) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "imroc_site.settings", **environ}
    code = f"from django.conf import settings; print(oct(settings.{name}))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_uploads_are_group_readable_only_when_the_web_server_sends_them():
    assert _settings_value("FILE_UPLOAD_PERMISSIONS") == "0o600"
    served = {"DOCUMENTS_SERVE_WITH": "x-accel-redirect"}
    assert _settings_value("FILE_UPLOAD_PERMISSIONS", **served) == "0o640"
    assert _settings_value("FILE_UPLOAD_DIRECTORY_PERMISSIONS", **served) == "0o750"


@pytest.mark.slow
def test_migrate_creates_a_private_database_in_a_new_folder(tmp_path):
    database = tmp_path / "var" / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(DEBUG="false", SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{database}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        check=True,
    )
    assert mode(database.parent) == 0o700
    for path in database.parent.iterdir():
        assert mode(path) == 0o600, path.name
