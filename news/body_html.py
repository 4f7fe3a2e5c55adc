"""The one sanitiser of a post's body: what the editor may produce, and pictures only our own.

Built from the editor's extensions (django-prose-editor's allowlist, so the toolbar and the
sanitiser never disagree), with one rule added: an <img> keeps its `src` only when it is one
of the site's own picture addresses (news.renditions' names, served by news.views.rendition),
and a picture without an accepted address is removed altogether. Nothing else of an image
survives but alt, width and height: no event handlers, no data: or external addresses.
"""

import re
from functools import cache

import nh3
from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from news.renditions import RENDITION_NAME

IMAGE_ATTRIBUTES = {"src", "alt", "width", "height"}
# nh3 writes every tag it keeps in this normal form, so a picture left without an address
# (its src refused) is found reliably.
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_EMPTY = re.compile(r"^<(?P<tag>\w+)></(?P=tag)>$")


@cache
def _image_prefix() -> str:
    """The address every picture in a body starts with, e.g. "/media/renditions/"."""
    return reverse("news:image", kwargs={"name": "0"})[: -len("0")]


def is_own_image(src: str) -> bool:
    """True for the address of one of the site's own pictures, nothing else."""
    prefix = _image_prefix()
    return src.startswith(prefix) and bool(RENDITION_NAME.fullmatch(src[len(prefix) :]))


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag != "img":
        return value
    if attribute == "src":
        return value if is_own_image(value) else None
    if attribute in ("width", "height"):
        return value if value.isdigit() else None
    return value if attribute in IMAGE_ATTRIBUTES else None


def body_cleaner(extensions: dict) -> nh3.Cleaner:
    allowed = allowlist_from_extensions(expand_extensions(extensions))
    if "img" in allowed["tags"]:
        allowed["attributes"]["img"] = set(IMAGE_ATTRIBUTES)
    return nh3.Cleaner(**allowed, attribute_filter=_filter_attribute)


def body_sanitiser(extensions: dict):
    """The function that cleans a body: used by the model field on every save and clean."""
    cleaner = body_cleaner(extensions)

    def sanitise(markup: str) -> str:
        cleaned = _IMAGE_WITHOUT_SOURCE.sub("", cleaner.clean(markup or ""))
        # ProseMirror always leaves one empty paragraph: an empty body is stored empty.
        return "" if _EMPTY.match(cleaned) else cleaned

    return sanitise
