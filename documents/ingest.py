"""The upload service: check a file, store it as a paper (or a paper's new version), read it again.

One service for the admin, `load_demo_content` and `manage.py reindex_documents`. What is read
from a file (documents.pdf) fills the paper's page count, title (when staff gave none), text
for search, accessibility report and first-page previews.
"""

import hashlib
import io
import re
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from PIL import Image

from documents.formats import FileFormat
from documents.models import Document, DocumentVersion
from documents.pdf import read_contents
from documents.validators import validate_upload


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

    def delete_stale() -> None:
        for name in stale:
            storage.delete(name)

    transaction.on_commit(delete_stale)
