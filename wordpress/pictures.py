"""Images inside an imported body, stored as the site's own pictures (news.body_pictures) with
their descriptions: the same checks, sizes and addresses as a picture put in by the editor.

A body usually shows a resized copy ("photo-300x188.jpg"); the original upload is stored
instead when the export has it, so the site makes its own sizes from the best file. The same
content always gets the same address (news.body_pictures names it by its hash), so a second
run stores nothing new; within a run each file is read and stored once.
"""

import html
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from news.body_pictures import store_picture
from wordpress.context import Attachment, Run
from wordpress.media import MediaMissing, uploads_path

_RESIZED = re.compile(r"-\d+x\d+(\.\w+)$")
_PICTURE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp)$", re.IGNORECASE)


def is_picture_file(url: str) -> bool:
    """A link to an image's file among the old uploads (a picture linked to its full size):
    the picture itself is in the text now, and the old file will be gone with the old site."""
    return bool((path := uploads_path(url)) and _PICTURE_FILE.search(path))


def original_of(run: Run, url: str) -> tuple[str, Attachment | None]:
    """The address of the upload a (possibly resized) image was made from, and its
    attachment when the export has it."""
    if original := run.uploads.get(uploads_path(_RESIZED.sub(r"\1", url)) or ""):
        return original.url, original
    if same := run.uploads.get(uploads_path(url) or ""):
        return same.url, same
    return url, None


def place_picture(run: Run, name: str, src: str, alt: str) -> dict | None:
    """The <img> attributes of the site's own copy of `src`, or None (the reason noted)."""
    url, attachment = original_of(run, src)
    if url not in run.pictures:
        run.pictures[url] = _stored(run, url)
    stored = run.pictures[url]
    if isinstance(stored, str):
        run.summary.note(
            f"{name}: picture {_short(src)} not imported ({_short(stored)}); removed from the text."
        )
        return None
    # The description staff gave the image in WordPress's media library, if the text has none.
    # (The text's alt is already unescaped by the HTML parser; the export's meta is not.)
    alt = (alt or html.unescape(attachment.alt if attachment else "")).strip()
    if not alt:
        run.pictures_without_alt += 1
    return {"src": stored["src"], "alt": alt, "width": stored["width"], "height": stored["height"]}


def _stored(run: Run, url: str) -> dict | str:
    """The stored picture's src, width and height, or why it could not be stored."""
    try:
        filename, content = run.options.media.read(url)
    except MediaMissing as missing:
        return str(missing)
    try:
        return store_picture(ContentFile(content, name=filename))
    except ValidationError as refused:
        return " ".join(refused.messages)


def _short(text: str, limit: int = 160) -> str:
    """A data: address can be megabytes long: the notes show its start."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def close_note(run: Run) -> None:
    if count := run.pictures_without_alt:
        pictures = "picture" if count == 1 else "pictures"
        run.summary.note(
            f"{count} {pictures} without a description: add one in the post form "
            "(each is shown with an empty alt text until then)."
        )
