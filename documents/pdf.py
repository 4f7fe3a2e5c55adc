"""Reading an accepted file: a PDF's pages, title, text, accessibility facts and first page.

PDFium (pypdfium2) reads text and draws the first page; pypdf reads the document's catalog
and properties. Formats other than PDF are stored without reading.
"""

import re
import threading
from dataclasses import dataclass, field
from typing import cast

import pypdfium2 as pdfium
from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from documents import accessibility
from documents.formats import PDF, FileFormat
from documents.validators import PDF_ERRORS

PREVIEW_WIDTHS = (240, 480)
MAX_TEXT_LENGTH = 2 * 1024 * 1024  # characters kept for search; the rest of a huge paper is not
# PDFium must never run in two threads at once, even on different files.
_PDFIUM_LOCK = threading.Lock()
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# Titles that exporting programs write by themselves, which mean nothing to a reader.
_MEANINGLESS_TITLE = re.compile(
    r"^(untitled|title|document\d*|microsoft \w+ - .*|.*\.(docx?|pdf|odt|rtf|pptx?|indd))$",
    re.IGNORECASE,
)


@dataclass
class Contents:
    """What a file tells about itself; empty for formats other than PDF."""

    page_count: int | None = None
    title: str = ""
    text: str = ""
    accessibility: dict = field(default_factory=dict)
    previews: dict[int, Image.Image] = field(default_factory=dict)


def read_contents(file: File, file_format: FileFormat) -> Contents:
    """Pages, title, text, accessibility and previews of an accepted file.

    ValidationError ("damaged_pdf") if a PDF the upload check let through cannot be read.
    """
    if file_format != PDF:
        return Contents()
    file.seek(0)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return Contents(accessibility=accessibility.locked_report())
        page_count = len(reader.pages)
        title = metadata_title(reader)[:255]
        page_texts, first_page = _read_with_pdfium(file)
        report = accessibility.report(
            _accessibility_facts(reader, page_texts), text_read=page_texts is not None
        )
    except PDF_ERRORS as error:
        # The upload check read it; a file it let through but that fails here is damaged.
        raise ValidationError(
            "“%(name)s” cannot be read (%(error)s): please export it again and re-upload it.",
            code="damaged_pdf",
            params={"name": file.name, "error": str(error)[:120] or "unreadable"},
        ) from error
    return Contents(
        page_count=page_count,
        title=title,
        text=_join_pages(page_texts or []),
        accessibility=report,
        previews=_previews(first_page) if first_page else {},
    )


def metadata_title(reader: PdfReader) -> str:
    """The title in the PDF's properties, unless it is one a program made up."""
    try:
        title = str(reader.metadata.title or "") if reader.metadata else ""
        # Control characters (NUL among them, which PostgreSQL refuses) are not a title's.
        title = " ".join(_CONTROL_CHARACTERS.sub(" ", title).split())
    except PDF_ERRORS:
        return ""
    return "" if _MEANINGLESS_TITLE.match(title) else title


def _accessibility_facts(reader: PdfReader, page_texts: list[str] | None) -> dict:
    """What a screen reader needs from the PDF, as found in its catalog and pages."""
    root = cast(DictionaryObject, reader.trailer["/Root"])  # the catalog is a dictionary
    mark_info = _get(root, "/MarkInfo") or {}
    preferences = _get(root, "/ViewerPreferences") or {}
    return {
        "tagged": bool(_get(mark_info, "/Marked")) and "/StructTreeRoot" in root,
        "language": _CONTROL_CHARACTERS.sub("", str(_get(root, "/Lang") or "")).strip(),
        "has_title": bool(metadata_title(reader)),
        "shows_title": bool(_get(preferences, "/DisplayDocTitle")),
        "text_pages": sum(bool(text.strip()) for text in page_texts or []),
        "pages": len(reader.pages),
    }


def _read_with_pdfium(file: File) -> tuple[list[str] | None, Image.Image | None]:
    """Each page's text and the first page as an image; (None, None) if PDFium cannot."""
    file.seek(0)
    try:
        with _PDFIUM_LOCK, pdfium.PdfDocument(file) as pdf:
            texts = [_page_text(page) for page in pdf]
            first_page = _render(pdf[0], max(PREVIEW_WIDTHS))
    except pdfium.PdfiumError:
        return None, None
    finally:
        file.seek(0)
    return texts, first_page


def _page_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    textpage.close()
    page.close()
    # No NUL (PostgreSQL refuses it) and no \f inside a page: \f separates pages.
    return re.sub(r"\r\n?|\f", "\n", text.replace("\x00", ""))


def _render(page: pdfium.PdfPage, width: int) -> Image.Image:
    page_width, page_height = page.get_size()
    # A very tall page is cut to twice its width, so the picture stays small.
    crop_bottom = max(0.0, page_height - 2 * page_width)
    bitmap = page.render(scale=width / page_width, crop=(0, crop_bottom, 0, 0))
    image = bitmap.to_pil().convert("RGB")
    page.close()
    return image


def _previews(image: Image.Image) -> dict[int, Image.Image]:
    return {
        width: image.resize((width, max(1, round(image.height * width / image.width))))
        for width in sorted(PREVIEW_WIDTHS)
    }


def _join_pages(page_texts: list[str]) -> str:
    kept, length = [], 0
    for text in page_texts:
        kept.append(text[: MAX_TEXT_LENGTH - length])
        length += len(kept[-1]) + 1
        if length >= MAX_TEXT_LENGTH:
            break
    return "\f".join(kept)


def _get(dictionary, key: str):
    """dictionary[key] with references followed, or None (pypdf's .get() does not follow)."""
    value = dictionary.get(key) if hasattr(dictionary, "get") else None
    return None if value is None else value.get_object()
