"""Files the site creates are its user's alone: folders 0700 and files 0600 (issue 11).

The database, uploads and anything else under var/ hold personal data (reply authors' email
and IP addresses) and unpublished papers: another account on the same machine must not read
them. Used by the settings, before Django opens anything.
"""

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
# When nginx or Apache sends the papers' bytes (DOCUMENTS_SERVE_WITH), the web server's user
# must read uploads: it joins the site's group, which may read but never write them.
GROUP_READABLE_FILE = 0o640
GROUP_READABLE_FOLDER = 0o750


def make_private_folder(path: Path, mode: int = PRIVATE_FOLDER) -> None:
    """Create `path` (and missing parents) with `mode`; a folder that exists is left alone."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=mode, exist_ok=True)
        # mkdir's mode passes through the umask: say it again, exactly.
        folder.chmod(mode)


def make_private_sqlite_file(path: Path, folder_mode: int = PRIVATE_FOLDER) -> None:
    """Create the SQLite database file empty and 0600 before SQLite does (with the umask's
    0644); SQLite gives its -wal and -shm files the database file's own permissions."""
    make_private_folder(path.parent, folder_mode)
    if not path.exists():
        # O_EXCL: created here, private from its first byte, or someone else made it first.
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        except FileExistsError:
            return
        path.chmod(PRIVATE_FILE)
