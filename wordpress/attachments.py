"""An export's attachments: PDFs become papers through the same checks as an admin upload,
images are read when a post takes one as its featured image."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from documents.ingest import find_duplicate, ingest_upload, sha256_of
from documents.models import Document
from news.images import validate_image
from wordpress import identity
from wordpress.context import Attachment, Run
from wordpress.media import MediaMissing, uploads_path
from wordpress.redirects import path_of, remember_paper
from wordpress.summary import CREATED, SKIPPED, UNCHANGED, Outcome

PDF = "application/pdf"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


def import_paper(run: Run, attachment: Attachment) -> Outcome:
    """The attachment as a paper here: found again, made, or refused with the reason."""
    name = f"“{attachment.title or attachment.url}” (ID {attachment.wp_id})"
    record = identity.find(run, "attachment", attachment.wp_id)
    if record and (document := Document.objects.filter(pk=record.object_id).first()):
        _register(run, attachment, document)
        return Outcome("paper", UNCHANGED, name)
    try:
        filename, content = run.options.media.read(attachment.url)
    except MediaMissing as missing:
        run.summary.note(f"Missing PDF {name}: {missing}")
        return Outcome("paper", SKIPPED, name, "file missing")
    upload = ContentFile(content, name=filename)
    if found := find_duplicate(sha256_of(upload)):
        document, result = found[0], UNCHANGED  # already here (uploaded by hand, say)
    else:
        try:
            document = ingest_upload(Document(title=attachment.title[:255]), upload, by=None)
        except ValidationError as refused:
            reason = " ".join(refused.messages)
            run.summary.note(f"Refused PDF {name}: {reason}")
            return Outcome("paper", SKIPPED, name, "refused by the upload checks")
        result = CREATED
    identity.remember(
        run,
        "attachment",
        attachment.wp_id,
        document,
        source_hash=attachment.digest,
        guid=attachment.guid,
    )
    _register(run, attachment, document)
    return Outcome("paper", result, name)


def _register(run: Run, attachment: Attachment, document: Document) -> None:
    """Links to the old file or its attachment page now lead to the paper."""
    upload = uploads_path(attachment.url)
    if upload:
        run.papers[upload] = document
        remember_paper([path_of(attachment.url)], document, download=True)
    run.papers[f"attachment:{attachment.wp_id}"] = document
    pages = [f"{run.prefix}/?attachment_id={attachment.wp_id}"]
    if attachment.link:
        pages.append(path_of(attachment.link))
        run.papers[path_of(attachment.link)] = document
    remember_paper(pages, document, download=False)


def paper_for_link(run: Run, href: str) -> tuple[Document, bool] | None:
    """The paper an old link points at, and whether at its file (True) or its attachment
    page (False)."""
    if (upload := uploads_path(href)) and upload in run.papers:
        return run.papers[upload], True
    document = run.papers.get(path_of(href))
    return (document, False) if document else None


def image_file(run: Run, url: str) -> tuple[ContentFile | None, str]:
    """An image read from the uploads and checked as a featured image upload is; else None
    and why."""
    try:
        filename, content = run.options.media.read(url)
    except MediaMissing as missing:
        return None, str(missing)
    image = ContentFile(content, name=filename)
    try:
        validate_image(image)
    except ValidationError as refused:
        return None, " ".join(refused.messages)
    return image, ""
