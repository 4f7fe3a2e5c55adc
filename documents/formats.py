"""The file formats the site knows, and how a file's content (not its name) tells which it is.

PDF is always accepted; the Office formats only when settings.DOCUMENTS_EXTRA_FORMATS names
them. Whether a file is accepted is for documents.validators to decide.
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class FileFormat:
    extension: str
    file_type: str
    content_type: str
    description: str
    ooxml_folder: str = ""  # Office Open XML: the folder of the main part
    odf_mimetype: str = ""  # OpenDocument: the content of the first member, "mimetype"


PDF = FileFormat("pdf", "PDF", "application/pdf", "a PDF")
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
OFFICE_FORMATS = [
    FileFormat("docx", "DOCX", f"{_OOXML}wordprocessingml.document", "a Word document", "word/"),
    FileFormat("xlsx", "XLSX", f"{_OOXML}spreadsheetml.sheet", "an Excel spreadsheet", "xl/"),
    FileFormat("pptx", "PPTX", f"{_OOXML}presentationml.presentation", "a PowerPoint file", "ppt/"),
    FileFormat("odt", "ODT", f"{_ODF}text", "an OpenDocument text", odf_mimetype=f"{_ODF}text"),
    FileFormat(
        "ods",
        "ODS",
        f"{_ODF}spreadsheet",
        "an OpenDocument sheet",
        odf_mimetype=f"{_ODF}spreadsheet",
    ),
    FileFormat(
        "odp",
        "ODP",
        f"{_ODF}presentation",
        "an OpenDocument presentation",
        odf_mimetype=f"{_ODF}presentation",
    ),
]

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


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError)


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
    return "a format the site does not know"


def enabled_formats() -> list[FileFormat]:
    """PDF, then the Office formats settings.DOCUMENTS_EXTRA_FORMATS names (e.g. ["docx"])."""
    extra = {name.strip().lower().lstrip(".") for name in settings.DOCUMENTS_EXTRA_FORMATS}
    return [PDF, *(f for f in OFFICE_FORMATS if f.extension in extra)]


def sniff_office(file) -> FileFormat | None:
    """Which Office format a ZIP file is, judged by its members, or None."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if members and members[0].filename == "mimetype":
                with archive.open(members[0]) as stream:
                    mimetype = stream.read(100).decode("ascii", "replace").strip()
                return next((f for f in OFFICE_FORMATS if f.odf_mimetype == mimetype), None)
            names = [member.filename for member in members]
            if "[Content_Types].xml" in names:
                return next(
                    (f for f in OFFICE_FORMATS if f.ooxml_folder and _any_in(names, f)), None
                )
    except _ZIP_ERRORS:
        return None
    finally:
        file.seek(0)
    return None


def _any_in(names: list[str], file_format: FileFormat) -> bool:
    return any(name.startswith(file_format.ooxml_folder) for name in names)
