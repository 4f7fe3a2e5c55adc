"""How a paper's bytes are sent: validators, headers, and which requests count.

The download view finds the paper (and so decides who may have it); everything after that is
here: `Download.for_request()` decides what one request gets, as a static file server would
(304, 206, 416, HEAD), and whether it is a download worth counting. RFC 9110 is the reference;
parsing Range and If-Range is documents.ranges.

A paper kept in an S3 bucket (documents.storage.S3UploadStorage) is checked and counted here
all the same, then sent as settings.DOCUMENTS_S3_DOWNLOADS says: a redirect to a short-lived
signed address at the bucket, or streamed through the app with S3 answering the range.
Longer than 250 lines because each way of sending the bytes belongs with the others.
"""

import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date

from documents.models import Document
from documents.ranges import ByteRange, RangeNotSatisfiable, if_range_allows, parse_range
from documents.storage import is_remote

if TYPE_CHECKING:  # loaded only when the settings use a bucket (it brings boto3)
    from documents.s3_storage import S3UploadStorage

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024

# Every paper response: a paper is someone's download to count, so no shared cache may keep a
# copy and hand it to the next visitor (that visitor would never reach us); the browser keeps
# its copy and revalidates with the ETag, and its 304 is the same visitor, rightly not counted.
CACHE_CONTROL = "private, no-cache"

# On every paper response, for when a browser shows it (DOCUMENTS_INLINE): `sandbox` gives the
# document an opaque origin with no scripts, forms, pop-ups or navigation, so nothing in a file
# can act as our site, and nothing may be loaded or frame it. Chromium's own PDF viewer still
# shows the file under this policy when it is opened as a page (checked with Chromium 156).
PAPER_CSP = (
    "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

SERVE_WITH = ("django", "x-accel-redirect", "x-sendfile")
S3_DOWNLOADS = ("redirect", "proxy")


def etag(document: Document) -> str:
    """A strong validator: the file's SHA-256 when known, else its size and when it changed."""
    if document.sha256:
        return f'"{document.sha256}"'
    changed = int(document.file_updated_at.timestamp() * 1_000_000)
    return f'"{document.size:x}-{changed:x}"'


def is_crawler(user_agent: str) -> bool:
    """Robots and link checkers, by settings.DOCUMENTS_CRAWLER_USER_AGENTS (any case)."""
    agent = user_agent.lower()
    return any(
        marker and marker.lower() in agent for marker in settings.DOCUMENTS_CRAWLER_USER_AGENTS
    )


class PaperFileResponse(FileResponse):
    block_size = CHUNK_SIZE  # FileResponse reads 4 KB at a time by default


class FileSlice:
    """`length` bytes of an open file from where it stands, for FileResponse to stream.

    `fileno()` lets gunicorn send them with sendfile() (it starts at the file's position and
    stops at Content-Length); `read()` stops at the slice's end for servers that read chunks.
    """

    def __init__(self, file, length: int):
        self.file = file
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self.file.read(size) if size else b""
        self.remaining -= len(data)
        return data

    def fileno(self) -> int:
        return self.file.fileno()

    def close(self) -> None:
        self.file.close()


@dataclass(frozen=True)
class Download:
    """What one request for a paper gets, decided before a byte is read.

    `status` is 200, 206 (`byte_range` set), 304, 412 or 416. `counts` says whether this request
    is a visitor's download: a GET that sends the file from its first byte (the whole file, or
    the first of a resumable or viewer's range requests), not later ranges, HEAD, 304s or
    robots.
    """

    request: HttpRequest
    document: Document
    status: int
    byte_range: ByteRange | None = None

    @classmethod
    def for_request(cls, request, document: Document) -> "Download":
        current_etag = etag(document)
        modified = int(document.file_updated_at.timestamp())
        precondition = get_conditional_response(request, etag=current_etag, last_modified=modified)
        if precondition is not None:  # 304 Not Modified, or 412 for a failed If-Match
            return cls(request, document, precondition.status_code)
        range_header = request.headers.get("Range")
        # Range is defined for GET only; HEAD describes the whole file.
        if request.method != "GET" or not range_header:
            return cls(request, document, 200)
        if_range = request.headers.get("If-Range")
        if if_range and not if_range_allows(
            if_range, current_etag=current_etag, last_modified=document.file_updated_at
        ):
            return cls(request, document, 200)  # the file changed: send the new one whole
        try:
            byte_range = parse_range(range_header, document.size)
        except RangeNotSatisfiable:
            return cls(request, document, 416)
        return cls(request, document, 206 if byte_range else 200, byte_range)

    @property
    def counts(self) -> bool:
        return (
            self.request.method == "GET"
            and self.status in (200, 206)
            and (self.byte_range is None or self.byte_range.start == 0)
            and not is_crawler(self.request.headers.get("User-Agent", ""))
        )

    @property
    def inline(self) -> bool:
        return settings.DOCUMENTS_INLINE and self.document.content_type == "application/pdf"

    def response(self) -> HttpResponseBase:
        if self.status == 304:
            return self.with_headers(HttpResponseNotModified(), validators=True)
        if self.status in (412, 416):
            response: HttpResponseBase = HttpResponse(status=self.status, content_type="text/plain")
            if self.status == 416:
                response["Content-Range"] = f"bytes */{self.document.size}"
            return self.with_headers(response)
        if is_remote(self.document.file.storage):
            return self.from_bucket()
        if settings.DOCUMENTS_SERVE_WITH == "django":
            if self.request.method == "HEAD":
                response = HttpResponse()
                response["Content-Length"] = str(self.document.size)
            else:
                response = self.stream()
            response["Accept-Ranges"] = "bytes"
        else:
            response = self.hand_over(settings.DOCUMENTS_SERVE_WITH)
        return self.with_headers(response, validators=True, representation=True)

    def from_bucket(self) -> HttpResponseBase:
        """The paper in an S3 bucket: redirected to a signed address, or streamed by the app."""
        mode = settings.DOCUMENTS_S3_DOWNLOADS
        if mode == "redirect":
            # The bucket's answer carries our type and file name (the signed parameters); it
            # is another origin than the site's, so nothing in a file can act as our site.
            disposition = content_disposition_header(
                not self.inline, self.document.download_filename
            )
            location = self.bucket.signed_url(
                self.file_name,
                content_type=self.content_type,
                disposition=disposition,
                cache_control=CACHE_CONTROL,
                seconds=settings.DOCUMENTS_S3_URL_SECONDS,
            )
            response: HttpResponseBase = HttpResponseRedirect(location)
            # A signed address expires: no cache, the browser's included, may keep the redirect.
            self.with_headers(response)
            response["Cache-Control"] = "private, no-store"
            return response
        if mode != "proxy":
            raise ImproperlyConfigured(
                f"DOCUMENTS_S3_DOWNLOADS must be one of {S3_DOWNLOADS}, not {mode!r}"
            )
        if self.request.method == "HEAD":
            response = HttpResponse()
            response["Content-Length"] = str(self.document.size)
        else:
            response = self.stream_from_bucket()
        response["Accept-Ranges"] = "bytes"
        return self.with_headers(response, validators=True, representation=True)

    def stream_from_bucket(self) -> FileResponse:
        """The file, or its range, as S3 sends it (one GET with Range), a chunk at a time."""
        byte_range = self.byte_range or ByteRange(0, self.document.size - 1)
        try:
            body = self.bucket.open_range(self.file_name, byte_range.start, byte_range.end)
        except FileNotFoundError:
            logger.error("Paper %s has no file at %s", self.document.pk, self.file_name)
            raise Http404("This paper's file is missing.") from None
        response = PaperFileResponse(body, content_type=self.content_type, status=self.status)
        response["Content-Length"] = str(byte_range.length)
        if self.byte_range:
            response["Content-Range"] = self.byte_range.content_range(self.document.size)
        return response

    @property
    def bucket(self) -> "S3UploadStorage":
        return cast("S3UploadStorage", self.document.file.storage)  # is_remote() said so

    @property
    def file_name(self) -> str:
        name = self.document.file.name
        assert name is not None  # nosec B101 # a paper always has its file
        return name

    def hand_over(self, server: str) -> HttpResponse:
        """No body: the web server in front sends the file, answering Range (and Accept-Ranges,
        Content-Length) itself, with the headers set here."""
        response = HttpResponse()
        storage, name = self.document.file.storage, self.document.file.name
        assert name is not None  # nosec B101 # a paper always has its file
        path = storage.path(name)  # refuses a name that would leave MEDIA_ROOT
        if server == "x-accel-redirect":
            # path() worked, so this is a storage on the file system.
            location = cast(FileSystemStorage, storage).location
            relative = os.path.relpath(path, location).replace(os.sep, "/")
            # nginx expects the URI percent-encoded, and decodes it to find the file.
            response["X-Accel-Redirect"] = settings.DOCUMENTS_ACCEL_PREFIX + quote(relative)
        elif server == "x-sendfile":
            # A header value travels as bytes: send the path's own bytes, whatever its characters.
            response["X-Sendfile"] = os.fsencode(path).decode("latin-1")
        else:
            raise ImproperlyConfigured(
                f"DOCUMENTS_SERVE_WITH must be one of {SERVE_WITH}, not {server!r}"
            )
        return response

    def stream(self) -> FileResponse:
        """The file, or its range, read from disk a chunk at a time: never all in memory."""
        byte_range = self.byte_range or ByteRange(0, self.document.size - 1)
        name = self.document.file.name
        assert name is not None  # nosec B101 # a paper always has its file
        try:
            file = self.document.file.storage.open(name, "rb")
        except FileNotFoundError:
            logger.error("Paper %s has no file at %s", self.document.pk, self.document.file.name)
            raise Http404("This paper's file is missing.") from None
        file.seek(byte_range.start)
        response = PaperFileResponse(
            FileSlice(file, byte_range.length), content_type=self.content_type, status=self.status
        )
        response["Content-Length"] = str(byte_range.length)
        if self.byte_range:
            response["Content-Range"] = self.byte_range.content_range(self.document.size)
        return response

    @property
    def content_type(self) -> str:
        return self.document.content_type or "application/octet-stream"

    def with_headers(self, response, *, validators=False, representation=False):
        response["Cache-Control"] = CACHE_CONTROL
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = PAPER_CSP
        if validators:
            response["ETag"] = etag(self.document)
            response["Last-Modified"] = http_date(self.document.file_updated_at.timestamp())
        if representation:
            response["Content-Type"] = self.content_type
            # Django's header: a plain `filename` for a printable ASCII name, else the exact
            # name as RFC 6266 `filename*` (percent-encoded UTF-8: nothing can end the header).
            response["Content-Disposition"] = content_disposition_header(
                not self.inline, self.document.download_filename
            )
        return response
