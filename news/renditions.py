"""A featured image's renditions: resized copies at a few widths, and their addresses.

Once a post is saved, its image gets renditions at a few widths, each in WebP and in a
fallback format, named after a hash of the source bytes so their addresses can be cached
forever. Only renditions are served to visitors (production does not serve MEDIA_ROOT at all):
news.views.rendition serves them, accepting only names of the shape written here.
"""

import hashlib
import io
import re
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms, ImageOps

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
