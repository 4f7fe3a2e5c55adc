"""Which release of the site is running: part of every key under which pages and their parts
are kept, and of their ETag.

The content stamp says when content last changed, not when the code did. Without the release
in the key, an upgrade that changes a template would go on serving pages kept by the release
before it (from Redis, which outlives the app servers, until content next changes), two
machines in the middle of a rolling upgrade would hand each other their pages, and a browser
or the front's cache revalidating its old copy would be told it is still current.

RELEASE in the environment names it (a version or commit, as a deployment knows it); else it
is a digest of what renders pages: Django's version and every file of the project's own apps
and templates, read once per process (some 300 files, a few milliseconds). Machines running
the same files agree on it without being told.
"""

import functools
import hashlib
from pathlib import Path
from typing import cast

import django
from django.apps import apps
from django.conf import settings

# What can change what a page looks like; not uploads, databases or caches.
_SOURCE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".js", ".css", ".svg", ".json"}


@functools.cache
def release() -> str:
    """A short name for the running release (settings.RELEASE, or the digest above)."""
    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.sha256(f"django {django.__version__}".encode())
    for path in _source_files():
        digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _source_files() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    folders = {Path(app.path).resolve() for app in apps.get_app_configs()}
    for engine in settings.TEMPLATES:
        template_dirs = cast(list[str | Path], engine["DIRS"])
        folders |= {Path(folder).resolve() for folder in template_dirs}
    # The project's own: its top-level packages and folders (never the virtual environment's
    # apps, which may sit under the project too).
    ours = sorted(folder for folder in folders if folder.parent == base)
    return sorted(
        path
        for folder in ours
        for path in folder.rglob("*")
        if path.suffix in _SOURCE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts
    )
