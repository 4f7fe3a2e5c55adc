"""Byte ranges as RFC 9110 defines them: parsing Range (§14.2) and checking If-Range (§13.1.5).

Pure functions of header values, for documents.downloads to decide what a request gets.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.utils.http import parse_http_date_safe


class RangeNotSatisfiable(Exception):
    """The Range asks only for bytes past the end of the file (answered with 416)."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


# At most 18 digits: a longer number is no real position, and int() refuses thousands.
_RANGE_SPEC = re.compile(r"([0-9]{0,18})-([0-9]{0,18})")


def parse_range(header: str, size: int) -> ByteRange | None:
    """The one byte range `header` asks for, its end clamped to the file; None for the whole file.

    A Range the server cannot use (malformed, another unit, several ranges) is ignored and the
    whole file sent, as RFC 9110 §14.2 allows; one asking only for bytes at or past the end
    raises RangeNotSatisfiable.
    """
    unit, equals, range_set = header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    # A list may carry empty elements ("0-99,"): they are not ranges (RFC 9110 §5.6.1).
    specs = [spec.strip() for spec in range_set.split(",") if spec.strip()]
    if len(specs) != 1 or not (match := _RANGE_SPEC.fullmatch(specs[0])):
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)  # the last `suffix` bytes
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


def if_range_allows(header: str, *, current_etag: str, last_modified: datetime) -> bool:
    """Whether If-Range names the version we hold, so its Range may be honoured (§13.1.5).

    Entity tags compare strongly (a weak one never matches); a date must be exactly
    Last-Modified.
    """
    header = header.strip()
    if header.startswith(('"', "W/")):
        return header == current_etag
    date = parse_http_date_safe(header)
    return date is not None and date == int(last_modified.timestamp())
