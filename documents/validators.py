"""Proves an upload is a paper the site accepts by what is inside it, whatever its name says.

PDFs are always accepted; the Office formats named in settings.DOCUMENTS_EXTRA_FORMATS too.
A PDF is also refused when it is encrypted (unless settings.DOCUMENTS_ALLOW_ENCRYPTED) or
carries scripts or actions that reach outside the file, because visitors' readers would run
them.
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
# Walking the object graph costs time; past this many objects the file is refused unread.
MAX_OBJECTS_CHECKED = 200_000
# PyPdfError covers every pypdf failure (a reference loop raises LimitReachedError, a missing
# cipher DependencyError); RecursionError, deeply nested objects.
PDF_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError)


def validate_upload(file) -> FileFormat:
    """Refuse a file unless it is in a format the site accepts; return that format."""
    _validate_size(file)
    head = _head(file)
    # The PDF header may sit anywhere in the first 1024 bytes (ISO 32000-1, 7.5.2 note).
    if b"%PDF-" in head:
        _validate_pdf_content(file)
        return PDF
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
    if action == "/URI" and str(_resolved(dictionary, "/URI")).strip().lower().startswith("file:"):
        return "a link to a file on the reader's own computer"
    return _REFUSED_ACTIONS.get(action)


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
