"""Featured images chosen in a post form that did not save yet, kept for the next attempt.

A form refused for another field would lose the chosen file (browsers never send it twice),
so it is kept here, in a folder beside MEDIA_ROOT that no URL serves, under the staff
member's id and a random name; the form carries that name in a hidden field. Only the same
person can use or see it (news.admin_drafts checks). Files are deleted once used or
discarded, and those left behind by `manage.py clear_pending_uploads`.
"""

import contextlib
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

# A kept file is for the form being filled in now: after a day it is abandoned.
MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN_LENGTH = 16


def storage() -> FileSystemStorage:
    """The folder beside MEDIA_ROOT (e.g. var/media-pending): never under a served URL."""
    media = Path(settings.MEDIA_ROOT)
    return FileSystemStorage(location=media.with_name(f"{media.name}-pending"), base_url=None)


def _safe_name(name: str) -> str:
    base = os.path.basename(name or "")
    return "".join(c for c in base if c.isalnum() or c in "._- ")[:100].strip(" .") or "image"


def keep(user, upload) -> str:
    """Store an upload for `user`; return its key ("<random>/<file name>")."""
    key = f"{secrets.token_hex(_TOKEN_LENGTH // 2)}/{_safe_name(upload.name)}"
    upload.seek(0)
    storage().save(f"{user.pk}/{key}", upload)
    upload.seek(0)
    return key


def _path(user, key: str) -> str | None:
    token, _, name = (key or "").partition("/")
    if len(token) != _TOKEN_LENGTH or not token.isalnum() or name != _safe_name(name):
        return None
    return f"{user.pk}/{token}/{name}"


def open_kept(user, key: str):
    """The kept file as an upload, or None if this person has no such file."""
    path = _path(user, key)
    if path is None or not storage().exists(path):
        return None
    with storage().open(path, "rb") as file:
        content = file.read()
    return SimpleUploadedFile(path.rsplit("/", 1)[1], content)


def kept_path(user, key: str) -> str | None:
    path = _path(user, key)
    return path if path and storage().exists(path) else None


def discard(user, key: str) -> None:
    if path := _path(user, key):
        folder = path.rsplit("/", 1)[0]
        if storage().exists(path):
            storage().delete(path)
        with contextlib.suppress(OSError):  # not empty, or already gone
            os.rmdir(storage().path(folder))


def clear_abandoned(max_age: int = MAX_AGE_SECONDS) -> int:
    """Delete kept files older than `max_age` seconds; return how many."""
    root = Path(storage().location)
    if not root.exists():
        return 0
    cutoff = time.time() - max_age
    deleted = 0
    for path in root.glob("*/*/*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            deleted += 1
            with contextlib.suppress(OSError):  # another file is still kept there
                path.parent.rmdir()
    return deleted
