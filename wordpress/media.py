"""Where an export's uploads are read from: a copy of `wp-content/uploads` on this machine, or
the old site itself over HTTP(S), each file held to the site's upload size limit."""

import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings

UPLOADS = "/wp-content/uploads/"
# Seconds to wait for the old site to connect or send more bytes: a dead site must not hang
# the import, and one slow file is reported, not waited for forever.
FETCH_TIMEOUT = 30
CHUNK = 64 * 1024


class MediaMissing(Exception):
    """The file could not be had; the message says why, for the summary."""


def uploads_path(url: str) -> str | None:
    """ "2024/05/paper.pdf" from any address of a file under wp-content/uploads; None if not."""
    path = unquote(urlsplit(url).path)
    if UPLOADS not in path:
        return None
    relative = PurePosixPath(path.split(UPLOADS, 1)[1])
    if not relative.parts or any(part in ("..", ".", "") for part in relative.parts):
        return None
    return str(relative)


class MediaSource:
    """Reads uploads from `folder` (the uploads tree) or `base_url` (the old site), or from
    nowhere: then every file is missing, and said so."""

    def __init__(
        self,
        *,
        folder: Path | None = None,
        base_url: str | None = None,
        timeout: float = FETCH_TIMEOUT,
    ):
        if base_url and urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError("--media-base-url must start with http:// or https://.")
        self.folder = folder.resolve() if folder else None
        self.base_url = base_url.rstrip("/") if base_url else None
        self.limit = settings.DOCUMENTS_MAX_UPLOAD_SIZE
        self.timeout = timeout

    def read(self, url: str) -> tuple[str, bytes]:
        """(file name, bytes) of the upload at `url`; MediaMissing if it cannot be had."""
        relative = uploads_path(url)
        if relative is None:
            raise MediaMissing(f"{url} is not under {UPLOADS}")
        name = PurePosixPath(relative).name
        if self.folder is not None:
            return name, self._from_folder(relative)
        if self.base_url is not None:
            return name, self._from_site(relative)
        raise MediaMissing(f"{relative}: no --media-dir or --media-base-url given")

    def _from_folder(self, relative: str) -> bytes:
        assert self.folder is not None  # nosec B101 # read() checked it
        path = (self.folder / relative).resolve()
        if not path.is_relative_to(self.folder):
            raise MediaMissing(f"{relative} is outside the media folder")
        if not path.is_file():
            raise MediaMissing(f"{relative} is not in {self.folder}")
        if path.stat().st_size > self.limit:
            raise MediaMissing(f"{relative} is larger than the upload limit ({self.limit:,} bytes)")
        return path.read_bytes()

    def _from_site(self, relative: str) -> bytes:
        url = f"{self.base_url}/{quote(relative)}"
        try:
            # The scheme is checked in __init__: only http(s) of the address staff gave.
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                chunks, size = [], 0
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if size > self.limit:
                        raise MediaMissing(
                            f"{url} is larger than the upload limit ({self.limit:,} bytes)"
                        )
                    chunks.append(chunk)
                return b"".join(chunks)
        except urllib.error.HTTPError as error:
            raise MediaMissing(f"{url} answered {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise MediaMissing(f"{url} could not be fetched ({error})") from error
