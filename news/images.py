"""What a featured image upload must be: a JPEG, PNG, WebP or GIF of a sensible size in pixels.

An upload is refused unless Pillow reads it fully as an accepted format within the pixel limit
(settings.NEWS_MAX_IMAGE_PIXELS, or Pillow's own bomb limit if that is lower). Resized copies
are made by news.renditions. (The module keeps its name: migration 0005 refers to
news.images.validate_image.)
"""

import os
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

# Pillow's format names of what we accept; MPO is the JPEG variant some cameras write.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}


def max_image_pixels() -> int:
    """The most pixels an upload may have: ours, or Pillow's own bomb limit if that is lower."""
    limit = settings.NEWS_MAX_IMAGE_PIXELS
    return min(limit, Image.MAX_IMAGE_PIXELS or limit)


def validate_image(file) -> None:
    """Refuse a file unless Pillow reads it fully as an accepted format within the pixel limit.

    A file already in storage was checked when it arrived and is not read again. The file's
    position is left at the start.
    """
    if getattr(file, "_committed", False):  # a stored FieldFile, not a new upload
        return
    name = os.path.basename(getattr(file, "name", "") or "") or "The file"
    limit = max_image_pixels()
    file.seek(0)
    try:
        image_format, size = _identify(file, name, limit)
        _check_decodes(file, name, image_format)
    finally:
        file.seek(0)


def _identify(file, name: str, limit: int) -> tuple[str, tuple[int, int]]:
    """Read only the header: the format and size, before any pixel is decoded."""
    try:
        # Pillow warns about images over its limit and raises over twice that; both are refused.
        # catch_warnings changes process-wide state: fine under gunicorn's single-threaded workers.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format, size = image.format, image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_large(name, limit) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "“%(name)s” is not an image Pillow can read: please upload a JPEG, PNG or WebP.",
            code="not_image",
            params={"name": name},
        ) from error
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            "“%(name)s” is a %(format)s file, a format the site does not accept: please save it "
            "as a JPEG, PNG or WebP and upload that.",
            code="format_not_accepted",
            params={"name": name, "format": image_format},
        )
    if size[0] * size[1] > limit:
        raise _too_large(name, limit, size)
    return image_format, size


def _check_decodes(file, name: str, image_format: str) -> None:
    """Decode the image once, so a damaged or truncated file is refused now, not when resized.

    Django's own check stops at verify(), which misses a truncated JPEG; decoding is safe here
    because the pixel limit bounds the memory it takes.
    """
    try:
        file.seek(0)
        with Image.open(file) as image:
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.draft(None, (1, 1))  # a JPEG decodes at 1/8 scale: enough to prove it whole
            image.load()
    except Exception as error:  # Pillow's decoders raise many kinds: all mean "cannot be read"
        raise ValidationError(
            "“%(name)s” looks like a %(format)s image but cannot be read: it may be damaged or "
            "incomplete. Please export it again and upload it.",
            code="damaged_image",
            params={"name": name, "format": image_format},
        ) from error


def _too_large(name: str, limit: int, size: tuple[int, int] | None = None) -> ValidationError:
    dimensions = f" ({size[0]:,} × {size[1]:,})" if size else ""
    return ValidationError(
        "“%(name)s” is too large in pixels%(dimensions)s: the most the site accepts is "
        "%(limit)s pixels (width × height). Please make it smaller and upload it again.",
        code="too_many_pixels",
        params={"name": name, "dimensions": dimensions, "limit": f"{limit:,}"},
    )


class ImageUploadField(forms.ImageField):
    """A form field for featured images that refuses bad uploads with validate_image's words.

    Django's ImageField would otherwise answer every unreadable file with one generic message
    before the model's validators run.
    """

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)  # empty or missing files: Django's messages
        if file is not None:
            validate_image(file)
        return super().to_python(data)
