"""Featured images: checking uploads, making resized renditions, and serving them.

An upload is refused unless Pillow reads it as a JPEG, PNG, WebP or GIF of a sensible size in
pixels. Once saved, the post gets renditions at a few widths, each in WebP and in a fallback
format, named after a hash of the source bytes so their addresses can be cached forever.
Only renditions are served to visitors (production does not serve MEDIA_ROOT at all).
"""

import hashlib
import io
import os
import re
import warnings
from functools import partial

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

DEFAULT_MAX_PIXELS = 40_000_000
# Pillow's format names of what we accept; MPO is the JPEG variant some cameras write.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
RENDITION_WIDTHS = (480, 960, 1440)
RENDITIONS_DIR = "renditions"
# format: (extension, MIME type, Pillow save options)
ENCODINGS = {
    "webp": ("webp", "image/webp", {"format": "WEBP", "quality": 80}),
    "jpeg": (
        "jpg",
        "image/jpeg",
        {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    ),
    "png": ("png", "image/png", {"format": "PNG", "optimize": True}),
}
CONTENT_TYPES = {extension: content_type for extension, content_type, _ in ENCODINGS.values()}
# The only names the view serves: the shape make_renditions writes, nothing else.
RENDITION_NAME = re.compile(r"\d+/[0-9a-f]{16}-\d+\.(?:webp|jpg|png)")
_ROTATED_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


# --- Checking uploads -----------------------------------------------------------------------


def max_image_pixels() -> int:
    """The most pixels an upload may have: ours, or Pillow's own bomb limit if that is lower."""
    limit = getattr(settings, "NEWS_MAX_IMAGE_PIXELS", DEFAULT_MAX_PIXELS)
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


# --- Renditions -----------------------------------------------------------------------------


def make_renditions(post) -> list[dict]:
    """Make the post's image renditions and store their list in post.image_renditions.

    Each is {"width", "height", "format", "name"}, sorted by width; the caller saves the post,
    which must already have a pk. Cheap when the image is unchanged: the existing renditions
    are kept. Files of earlier images are deleted once the transaction commits.
    """
    if post.pk is None:
        raise ValueError("Save the post before making renditions: its pk names their folder.")
    folder = f"{RENDITIONS_DIR}/{post.pk}"
    if not post.image:
        post.image_renditions = []
    else:
        with post.image.open("rb") as source:
            digest = _content_hash(source)
            if not _up_to_date(post.image_renditions, f"{folder}/{digest}-"):
                source.seek(0)
                post.image_renditions = _render(source, f"{folder}/{digest}")
    keep = {rendition["name"] for rendition in post.image_renditions}
    transaction.on_commit(partial(_delete_others, folder, keep))
    return post.image_renditions


def rendition_url(rendition: dict) -> str:
    """The address the view serves a rendition at (an absolute path)."""
    return reverse("news:image", kwargs={"name": rendition["name"].split("/", 1)[1]})


def _content_hash(file) -> str:
    digest = hashlib.sha256()
    for chunk in iter(partial(file.read, 1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()[:16]


def _up_to_date(renditions: list[dict], prefix: str) -> bool:
    return bool(renditions) and all(
        rendition["name"].startswith(prefix) and default_storage.exists(rendition["name"])
        for rendition in renditions
    )


def _render(source, stem: str) -> list[dict]:
    with Image.open(source) as original:
        original.seek(0)  # an animated GIF or WebP: its first frame
        rotated = original.getexif().get(ExifTags.Base.Orientation) in _ROTATED_ORIENTATIONS
        width, height = (original.height, original.width) if rotated else original.size
        widths = _widths(width)
        # A large JPEG can decode straight at a smaller scale, as long as it stays wide enough.
        original.draft(None, (1, widths[-1]) if rotated else (widths[-1], 1))
        image, transparent = _prepared(ImageOps.exif_transpose(original))
    fallback = "png" if transparent else "jpeg"
    renditions = []
    for target_width in widths:
        target_height = max(1, round(height * target_width / width))
        resized = image.resize(
            (target_width, target_height), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
        for image_format in ("webp", fallback):
            extension, _, options = ENCODINGS[image_format]
            name = f"{stem}-{target_width}.{extension}"
            _write(name, resized, options)
            renditions.append(
                {
                    "width": target_width,
                    "height": target_height,
                    "format": image_format,
                    "name": name,
                }
            )
    return renditions


def _widths(source_width: int) -> list[int]:
    """The standard widths, none wider than the source, which itself counts when narrower."""
    widest = min(source_width, RENDITION_WIDTHS[-1])
    return [*(width for width in RENDITION_WIDTHS if width < widest), widest]


def _prepared(image) -> tuple[Image.Image, bool]:
    """The image as 8-bit sRGB (RGB, or RGBA if it has transparency) without metadata."""
    if image.mode.startswith("I"):  # 16-bit greyscale: scale down rather than clip to white
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if transparent else "RGB"
    converted = None
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        # A camera or phone profile (Adobe RGB, Display P3) is turned into sRGB, the colours
        # browsers assume once the profile is stripped.
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(image, source_profile, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a broken or mismatched profile: plain conversion below
    if converted is None:
        converted = image.convert(mode)
    if transparent and converted.getchannel("A").getextrema()[0] == 255:
        # An alpha channel that is opaque everywhere (common in screenshots): a photo after all.
        converted, transparent = converted.convert("RGB"), False
    converted.info = {}  # no EXIF, XMP, ICC or comments carried into the renditions
    return converted, transparent


def _write(name: str, image: Image.Image, options: dict) -> None:
    buffer = io.BytesIO()
    image.save(buffer, **options)
    # Overwrite rather than let the storage pick another name: the name is the address.
    default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(buffer.getvalue()))
    if saved != name:
        raise RuntimeError(f"The storage saved rendition {name!r} as {saved!r}.")


def _delete_others(folder: str, keep: set[str]) -> None:
    """Delete the folder's files that no current rendition uses."""
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        if f"{folder}/{filename}" not in keep:
            default_storage.delete(f"{folder}/{filename}")


# --- Serving --------------------------------------------------------------------------------


@require_safe
def rendition_view(request, name):
    """Serve one rendition, cacheable forever: its name changes whenever the image does."""
    # Only names of the exact shape make_renditions writes: no "..", no absolute or other paths.
    if not RENDITION_NAME.fullmatch(name):
        raise Http404("No such image.")
    try:
        file = default_storage.open(f"{RENDITIONS_DIR}/{name}", "rb")
    except FileNotFoundError as error:
        raise Http404("No such image.") from error
    response = FileResponse(file, content_type=CONTENT_TYPES[name.rsplit(".", 1)[1]])
    patch_cache_control(response, public=True, max_age=31_536_000, immutable=True)
    return response


urlpatterns = [path(f"media/{RENDITIONS_DIR}/<path:name>", rendition_view, name="image")]


def renditions_by_format(post) -> tuple[list[dict], list[dict]]:
    """The post's WebP renditions and its fallback ones, each narrowest first."""
    if not post.image:
        return [], []
    renditions = sorted(post.image_renditions or [], key=lambda rendition: rendition["width"])
    webp = [rendition for rendition in renditions if rendition["format"] == "webp"]
    fallback = [rendition for rendition in renditions if rendition["format"] != "webp"]
    return webp, fallback


def sharing_image_url(post) -> str:
    """The path of the largest fallback rendition (for sharing and search engines), or ""."""
    _, fallback = renditions_by_format(post)
    return rendition_url(fallback[-1]) if fallback else ""
