"""Proves an upload is a PDF by what is inside it, whatever its name says."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from pypdf import PdfReader
from pypdf.errors import PdfReadError

# First bytes of formats people upload by mistake, so the refusal can say what the file is.
_KNOWN_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive or an Office document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"#!", "a script"),
    (b"MZ", "a Windows program"),
]


def describe_content(head: bytes) -> str:
    """A few words on what the first bytes of a file look like, for error messages."""
    for signature, description in _KNOWN_SIGNATURES:
        if head.startswith(signature):
            return description
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "a web page (HTML)"
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<svg"):
        return "an XML or SVG file"
    return "not a PDF"


def validate_pdf(file) -> None:
    """Refuse a file unless its content parses as a PDF with at least one page."""
    name = getattr(file, "name", "The file")
    if not file.size:
        raise ValidationError("“%(name)s” is empty.", code="empty", params={"name": name})
    limit = settings.DOCUMENTS_MAX_UPLOAD_SIZE
    if file.size > limit:
        raise ValidationError(
            "“%(name)s” is %(size)s; the largest paper the site accepts is %(limit)s. "
            "Please make the PDF smaller (for example by saving images at a lower resolution).",
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(file.size),
                "limit": filesizeformat(limit),
            },
        )
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    # The PDF header may sit anywhere in the first 1024 bytes (ISO 32000-1, 7.5.2 note).
    if b"%PDF-" not in head:
        raise ValidationError(
            "“%(name)s” is not a PDF: its content looks like %(kind)s. Please upload a PDF file.",
            code="not_pdf",
            params={"name": name, "kind": describe_content(head)},
        )
    try:
        reader = PdfReader(file, strict=False)
        page_count = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ValidationError(
            "“%(name)s” starts like a PDF but cannot be read (%(error)s). It may be damaged "
            "or incomplete: please export it again and re-upload it.",
            code="damaged_pdf",
            params={"name": name, "error": str(error)[:120] or "unreadable"},
        ) from error
    finally:
        file.seek(0)
    if page_count < 1:
        raise ValidationError(
            "“%(name)s” is a PDF without any pages.", code="no_pages", params={"name": name}
        )
