"""The site's file storage (STORAGES["default"]): a write that fails leaves nothing behind.

Django's FileSystemStorage leaves the bytes it managed to write when the disk fills up
mid-file. This one removes that partial file, and can list the files written during a block
(`recording_writes`), so whoever undoes a failed save can delete the complete ones too (see
documents/disk_full.py). Here, in the lowest app that stores files, so news can use it too.

On several machines the files live in an S3-compatible bucket instead
(documents.s3_storage, chosen by the settings when AWS_STORAGE_BUCKET_NAME is set).
"""

import contextlib
import contextvars
import os
from collections.abc import Iterator

from django.core.files.storage import FileSystemStorage, Storage

_written: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "files_written", default=None
)


class UploadStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        # A file there already is someone else's (never ours to delete); see get_available_name.
        was_there = os.path.lexists(full_path)
        try:
            # django-stubs leave out Storage._save, the documented hook for writing a file.
            name = super()._save(name, content)  # type: ignore[misc]
        except OSError:
            if not was_there:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(full_path)
            raise
        record_write(name)
        return name


def record_write(name: str) -> None:
    """Note a file saved, for the `recording_writes` block around it (if any)."""
    written = _written.get()
    if written is not None:
        written.append(name)


def is_remote(storage: Storage) -> bool:
    """Whether files are kept in a bucket (documents.s3_storage), not on this machine's disk."""
    return getattr(storage, "remote", False)


@contextlib.contextmanager
def recording_writes() -> Iterator[list[str]]:
    """Yield the list, filled as the block runs, of the names the storage saves in it."""
    written: list[str] = []
    token = _written.set(written)
    try:
        yield written
    finally:
        _written.reset(token)
