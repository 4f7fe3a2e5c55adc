"""Proves an upload is a paper the site accepts by what is inside it, whatever its name says.

PDFs are always accepted; the Office formats named in settings.DOCUMENTS_EXTRA_FORMATS too.
A PDF is also refused when it is encrypted (unless settings.DOCUMENTS_ALLOW_ENCRYPTED),
carries scripts or actions that reach outside the file, links anywhere but the web or an email
address, or embedded files (unless settings.DOCUMENTS_ALLOW_EMBEDDED_FILES), because visitors'
readers would run or open them; and when `%PDF-` does not start it, since such a file can be
read as something else too (a polyglot).
"""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from documents.formats import PDF, FileFormat, describe_content, enabled_formats, sniff_office

# Action types (ISO 32000-1, 12.6.4) that reach outside the file: run a program, send or
# fetch data. JavaScript is found by its /JS entry, wherever it hides.
_REFUSED_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that opens other programs or files",
    "/SubmitForm": "an action that sends form data over the internet",
    "/ImportData": "an action that imports data from another file",
    # Links into other files: on Windows a network path leaks the reader's credentials.
    "/GoToR": "a link that opens another file",
    "/GoToE": "a link that opens an embedded file",
    "/RichMedia": "embedded media that plays by itself",
    "/Movie": "embedded media that plays by itself",
    "/Sound": "embedded media that plays by itself",
    "/Rendition": "embedded media that plays by itself",
}
# The only places a link may lead: the web and an email address. Any other scheme (file:,
# smb:, javascript:, a program's own) or none (a relative path, a \\server\share) is opened by
# the reader's system, and a network path leaks the reader's Windows credentials.
ALLOWED_LINK_SCHEMES = ("http", "https", "mailto")
# Keys that mark a file carried inside the PDF (ISO 32000-1, 7.11.4 and 12.5.6.15).
_EMBEDDED_FILE_MARKS = ("/EmbeddedFiles", "/EF")
# Walking the object graph costs time; past this many objects the file is refused unread.
MAX_OBJECTS_CHECKED = 200_000
# PyPdfError covers every pypdf failure (a reference loop raises LimitReachedError, a missing
# cipher DependencyError); RecursionError, deeply nested objects.
PDF_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError)


def validate_upload(file) -> FileFormat:
    """Refuse a file unless it is in a format the site accepts; return that format."""
    _validate_size(file)
    head = _head(file)
    if head.startswith(b"%PDF-"):
        _validate_pdf_content(file)
        return PDF
    # Readers accept a header anywhere in the first 1024 bytes (ISO 32000-1, 7.5.2 note), but
    # what comes before it can make the same file a web page or an archive to other programs.
    if b"%PDF-" in head:
        raise ValidationError(
            "“%(name)s” has %(count)s bytes of something else before the PDF begins, so "
            "other programs could read it as another kind of file. Please export or print it "
            "to a new PDF and upload that.",
            code="leading_junk",
            params={"name": _name(file), "count": head.index(b"%PDF-")},
        )
    accepted = enabled_formats()
    office = sniff_office(file) if head.startswith(b"PK\x03\x04") else None
    if office is None or office not in accepted:
        raise _not_accepted(file, head, accepted, office)
    if _has_macros(file):
        raise ValidationError(
            "“%(name)s” contains macros, which could run on visitors' computers. Please save "
            "it without macros and upload it again.",
            code="macros",
            params={"name": _name(file)},
        )
    return office


def find_active_content(reader: PdfReader) -> str | None:
    """Words for the first script or outward-reaching action in the PDF, or None.

    Every object reachable from the catalog is visited (pages, annotations, form fields, name
    trees, outlines), so actions hidden in a page's /AA or a link's /Next chain are found too.
    """
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer.raw_get("/Root")]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > MAX_OBJECTS_CHECKED:
                return f"more than {MAX_OBJECTS_CHECKED:,} parts, too many to check for scripts"
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if found := _risk(item):
                return found
            stack.extend(dict.values(item))  # unresolved, so each object is visited once
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
    return None


def _risk(dictionary: DictionaryObject) -> str | None:
    if "/JS" in dictionary or "/JavaScript" in dictionary:
        return "JavaScript"
    if "/XFA" in dictionary:
        return "an XFA form, which can carry scripts"
    action = str(_resolved(dictionary, "/S"))
    if action == "/URI":
        return _link_risk(str(_resolved(dictionary, "/URI")))
    if not settings.DOCUMENTS_ALLOW_EMBEDDED_FILES and _is_embedded_file(dictionary):
        return "an embedded file, which readers offer to open"
    return _REFUSED_ACTIONS.get(action)


def _link_risk(uri: str) -> str | None:
    address = uri.strip().lower()
    if address.startswith("file:"):
        return "a link to a file on the reader's own computer"
    if address.startswith(("\\\\", "//")):
        return "a link to a network share (\\\\server\\share)"
    scheme, colon, _rest = address.partition(":")
    if not colon or scheme not in ALLOWED_LINK_SCHEMES:
        return "a link that is not to a web page or an email address"
    return None


def _is_embedded_file(dictionary: DictionaryObject) -> bool:
    return (
        any(mark in dictionary for mark in _EMBEDDED_FILE_MARKS)
        or str(_resolved(dictionary, "/Type")) == "/EmbeddedFile"
        or str(_resolved(dictionary, "/Subtype")) == "/FileAttachment"
    )


def _validate_size(file) -> None:
    if not file.size:
        raise ValidationError("“%(name)s” is empty.", code="empty", params={"name": _name(file)})
    limit = settings.DOCUMENTS_MAX_UPLOAD_SIZE
    if file.size > limit:
        raise ValidationError(
            "“%(name)s” is %(size)s; the largest paper the site accepts is %(limit)s. "
            "Please make the PDF smaller (for example by saving images at a lower resolution).",
            code="too_large",
            params={
                "name": _name(file),
                "size": filesizeformat(file.size),
                "limit": filesizeformat(limit),
            },
        )


def _validate_pdf_content(file) -> None:
    name = _name(file)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            _validate_encrypted(name)
            if not reader.decrypt(""):
                # Unreadable without the password, so it cannot be checked for scripts.
                raise ValidationError(
                    "“%(name)s” needs a password to open, so the site cannot check it is safe "
                    "or let visitors read it. Please upload it without a password.",
                    code="needs_password",
                    params={"name": name},
                )
        page_count = len(reader.pages)
        active = find_active_content(reader)
    except PDF_ERRORS as error:
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
    if active:
        raise ValidationError(
            "“%(name)s” contains %(active)s. Readers could run it when the file is opened, so "
            "the site does not accept it: please export or print the document to a new PDF "
            "without scripts, actions or forms and upload that.",
            code="active_content",
            params={"name": name, "active": active},
        )


def _validate_encrypted(name: str) -> None:
    if not settings.DOCUMENTS_ALLOW_ENCRYPTED:
        raise ValidationError(
            "“%(name)s” is encrypted (protected by a password, or against copying or "
            "printing), which stops screen readers and search. Please save an unprotected "
            "copy and upload that.",
            code="encrypted",
            params={"name": name},
        )


def _not_accepted(file, head: bytes, accepted: list[FileFormat], found=None) -> ValidationError:
    names = " or ".join(f.file_type for f in accepted)
    kind = found.description + f" ({found.file_type})" if found else describe_content(head)
    return ValidationError(
        "“%(name)s” is not a %(names)s: its content looks like %(kind)s. Please upload a "
        "%(names)s file.",
        code="not_accepted",
        params={"name": _name(file), "names": names, "kind": kind},
    )


def _has_macros(file) -> bool:
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    finally:
        file.seek(0)
    return any(
        n.lower().endswith("vbaproject.bin") or n.startswith(("Basic/", "Scripts/")) for n in names
    )


def _resolved(dictionary: DictionaryObject, key: str):
    """The value under key with any reference followed (dict.get alone would not), or ""."""
    value = dict.get(dictionary, key)
    return "" if value is None else value.get_object()


def _head(file) -> bytes:
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    return head


def _name(file) -> str:
    return getattr(file, "name", None) or "The file"
