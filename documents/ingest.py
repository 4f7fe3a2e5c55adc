"""Taking papers in: check an upload, store it, and read from it what staff and visitors need.

One service for the admin, `load_demo_content` and `manage.py reindex_documents`. Reading a
PDF fills the paper's page count, title (when staff gave none), text for search, an
accessibility report and first-page previews.
"""

import hashlib
import io
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from PIL import Image
from pypdf import PdfReader

from documents.models import Document, DocumentVersion
from documents.validators import PDF, PDF_ERRORS, FileFormat, validate_upload

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


def check_upload(uploaded_file: File, replacing: Document | None = None) -> tuple[FileFormat, str]:
    """The file's format and SHA-256; ValidationError if refused (bad content or a copy).

    A paper getting a new version may take back one of its own earlier files (a revert).
    """
    file_format = validate_upload(uploaded_file)
    digest = sha256_of(uploaded_file)
    if existing := find_duplicate(digest):
        document, is_version = existing
        if is_version and replacing is not None and document.pk == replacing.pk:
            return file_format, digest
        raise ValidationError(
            format_html(
                'This file is already on the site, as {}“<a href="{}">{}</a>”. Open that paper '
                "instead of uploading a copy (to change its file, upload a new version there).",
                "an earlier version of " if is_version else "",
                reverse("admin:documents_document_change", args=[document.pk]),
                document,
            ),
            code="duplicate",
        )
    return file_format, digest


def ingest_upload(
    document: Document, uploaded_file: File, *, by: AbstractBaseUser | None
) -> Document:
    """Check uploaded_file, then save document (a new paper) with it and all read from it."""
    file_format, digest = check_upload(uploaded_file)
    contents = read_contents(uploaded_file, file_format)
    with _removing_new_files_on_failure(document):
        _store(document, uploaded_file, file_format, digest, contents, by=by)
    return document


def replace_file(
    document: Document, uploaded_file: File, *, by: AbstractBaseUser | None
) -> Document:
    """Give a paper a new file; its address stays and the old file becomes an earlier version."""
    file_format, digest = check_upload(uploaded_file, replacing=document)
    contents = read_contents(uploaded_file, file_format)
    with _removing_new_files_on_failure(document):
        DocumentVersion.objects.create(
            document=document,
            file=document.file.name,  # the old file stays where it is, listed for staff only
            size=document.size,
            sha256=document.sha256 or sha256_of(document.file),
            page_count=document.page_count,
            uploaded_at=document.file_updated_at,
            uploaded_by_id=document.uploaded_by_id,
        )
        _store(document, uploaded_file, file_format, digest, contents, by=by)
    return document


def reindex(document: Document) -> Document:
    """Read a stored paper's file again (after an upgrade); ValidationError if now refused."""
    with document.file.open("rb") as stream:
        file_format = validate_upload(stream)
        digest = sha256_of(stream)
        contents = read_contents(stream, file_format)
    with transaction.atomic():
        _describe(document, document.file.name, file_format, digest, contents)
        document.save()
        _store_previews(document, contents.previews)
    return document


def preview_url(document: Document, width: int) -> str | None:
    """Where the `documents:preview` view serves the first page at this width, if stored."""
    if not (preview := find_preview(document, width)):
        return None
    image_format = preview["name"].rsplit(".", 1)[-1]
    kwargs = {"pk": document.pk, "width": width, "image_format": image_format}
    return reverse("documents:preview", kwargs=kwargs)


def find_preview(document: Document, width: int) -> dict | None:
    """The stored preview of this width ({"width", "height", "name"}), or None."""
    return next((p for p in document.previews if p.get("width") == width), None)


@contextmanager
def _removing_new_files_on_failure(document: Document):
    """One transaction; if it fails, the files it wrote are deleted too, so none is orphaned."""
    before = _stored_names(document)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        storage = document.file.storage
        for name in _stored_names(document) - before:
            storage.delete(name)
        raise


def _stored_names(document: Document) -> set[str]:
    names = {document.file.name, *(preview["name"] for preview in document.previews)}
    return {name for name in names if name}


def find_duplicate(digest: str) -> tuple[Document, bool] | None:
    """The paper whose current file (False) or an earlier version (True) has this SHA-256."""
    if document := Document.objects.filter(sha256=digest).first():
        return document, False
    version = DocumentVersion.objects.filter(sha256=digest).select_related("document").first()
    return (version.document, True) if version else None


def sha256_of(file: File) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():  # chunks() starts from the beginning
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def title_from_name(name: str) -> str:
    """A file name as a title: "recovery_the-business-case.pdf" → "Recovery the business case"."""
    words = re.sub(r"[\s_.-]+", " ", Path(name).stem).strip()
    return (words[:1].upper() + words[1:]) or "Untitled paper"


def _store(document, uploaded_file, file_format, digest, contents, *, by) -> None:
    _describe(document, uploaded_file.name, file_format, digest, contents)
    document.full_clean(exclude=["file"], validate_unique=False)
    name = f"{Path(uploaded_file.name).stem or 'paper'}.{file_format.extension}"
    document.file.save(name, uploaded_file, save=False)
    document.size = uploaded_file.size
    document.uploaded_by = by
    document.file_updated_at = timezone.now()
    document.save()
    _store_previews(document, contents.previews)


def _describe(document, file_name, file_format, digest, contents) -> None:
    document.title = document.title or contents.title or title_from_name(file_name)
    document.file_type = file_format.file_type
    document.content_type = file_format.content_type
    document.sha256 = digest
    document.page_count = contents.page_count
    document.text = contents.text
    document.accessibility = contents.accessibility


def _store_previews(document: Document, images: dict[int, Image.Image]) -> None:
    storage = document.file.storage
    previews = []
    for width, image in images.items():
        name = f"documents/previews/{document.pk}/{document.sha256[:12]}-{width}.webp"
        storage.delete(name)  # only ever a picture of this same file, made before
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", quality=80)
        name = storage.save(name, ContentFile(buffer.getvalue()))
        previews.append({"width": image.width, "height": image.height, "name": name})
    stale = {p["name"] for p in document.previews} - {p["name"] for p in previews}
    document.previews = previews
    Document.objects.filter(pk=document.pk).update(previews=previews)
    transaction.on_commit(lambda: [storage.delete(name) for name in stale])


# --- Reading a PDF --------------------------------------------------------------------------


def read_contents(file: File, file_format: FileFormat) -> Contents:
    """Pages, title, text, accessibility and previews of an accepted file."""
    if file_format != PDF:
        return Contents()
    file.seek(0)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return Contents(accessibility=locked_report())
        page_count = len(reader.pages)
        title = metadata_title(reader)[:255]
        page_texts, first_page = _read_with_pdfium(file)
        accessibility = accessibility_report(reader, page_texts)
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
        accessibility=accessibility,
        previews=_previews(first_page) if first_page else {},
    )


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


def metadata_title(reader: PdfReader) -> str:
    """The title in the PDF's properties, unless it is one a program made up."""
    try:
        title = str(reader.metadata.title or "") if reader.metadata else ""
        # Control characters (NUL among them, which PostgreSQL refuses) are not a title's.
        title = " ".join(_CONTROL_CHARACTERS.sub(" ", title).split())
    except PDF_ERRORS:
        return ""
    return "" if _MEANINGLESS_TITLE.match(title) else title


# --- Accessibility of the paper itself ------------------------------------------------------


def accessibility_report(reader: PdfReader, page_texts: list[str] | None) -> dict:
    """What a screen reader needs from the PDF, and a sentence for staff on each thing missing."""
    root = reader.trailer["/Root"]
    mark_info = _get(root, "/MarkInfo") or {}
    preferences = _get(root, "/ViewerPreferences") or {}
    report = {
        "tagged": bool(_get(mark_info, "/Marked")) and "/StructTreeRoot" in root,
        "language": _CONTROL_CHARACTERS.sub("", str(_get(root, "/Lang") or "")).strip(),
        "has_title": bool(metadata_title(reader)),
        "shows_title": bool(_get(preferences, "/DisplayDocTitle")),
        "text_pages": sum(bool(text.strip()) for text in page_texts or []),
        "pages": len(reader.pages),
    }
    return {**report, "problems": _problems(report, text_read=page_texts is not None)}


def locked_report() -> dict:
    return {
        "tagged": False,
        "language": "",
        "has_title": False,
        "shows_title": False,
        "text_pages": 0,
        "pages": 0,
        "problems": [
            "Needs a password to open: screen readers cannot read it, and nothing else in it "
            "could be checked."
        ],
    }


def _problems(report: dict, *, text_read: bool) -> list[str]:
    problems = []
    if not report["tagged"]:
        problems.append(
            "No tags: screen readers cannot tell headings, lists and tables from the body "
            "text. Export it again with tags for accessibility switched on."
        )
    if not report["language"]:
        problems.append(
            "No language set: screen readers may read it with the wrong voice. Set the "
            "document's language (for example English, UK) before exporting."
        )
    if not report["has_title"]:
        problems.append(
            "No title in the file's properties: screen readers announce the file name "
            "instead. Fill in the title in the document's properties before exporting."
        )
    elif not report["shows_title"]:
        problems.append(
            "Readers show the file name instead of the title: turn on “display document "
            "title” in the PDF's initial view settings."
        )
    problems += _text_problems(report, text_read=text_read)
    return problems


def _text_problems(report: dict, *, text_read: bool) -> list[str]:
    pages, text_pages = report["pages"], report["text_pages"]
    if not text_read:
        return ["Its text could not be read, so it could not be checked or searched."]
    if not text_pages:
        return [
            "No text on any page: it looks like scanned images, so screen readers and search "
            "find nothing. Run text recognition (OCR) on it, or export it from the original."
        ]
    if text_pages < pages:
        return [
            f"{pages - text_pages} of {pages} pages have no text (scanned images?): screen "
            "readers skip them. Run text recognition (OCR) on those pages."
        ]
    return []


def _get(dictionary, key: str):
    """dictionary[key] with references followed, or None (pypdf's .get() does not follow)."""
    value = dictionary.get(key) if hasattr(dictionary, "get") else None
    return None if value is None else value.get_object()
