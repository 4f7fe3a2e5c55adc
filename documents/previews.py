"""A paper's first-page images: which are stored, their addresses, and how a page shows them.

The images are made when a file is read (documents.pdf) and stored by documents.ingest; the
`documents:preview` view serves them.
"""

from django.urls import reverse

from documents.models import Document

# The file types first-page images may be stored as, and the Content-Type each is served with.
PREVIEW_TYPES = {"webp": "image/webp", "png": "image/png"}


def find_preview(document: Document, width: int) -> dict | None:
    """The stored preview of this width ({"width", "height", "name"}), or None."""
    return next((p for p in document.previews if p.get("width") == width), None)


def preview_version(document: Document) -> str:
    """Changes whenever the file, and so its first-page images, change."""
    return document.sha256[:16] or f"{document.file_updated_at.timestamp():.0f}"


def image_format(preview: dict) -> str:
    """The stored image's file type, from its name: "webp" or "png"."""
    return preview["name"].rsplit(".", 1)[-1].lower()


def _url(document: Document, preview: dict) -> str:
    kwargs = {"pk": document.pk, "width": preview["width"], "image_format": image_format(preview)}
    return reverse("documents:preview", kwargs=kwargs)


def preview_url(document: Document, width: int) -> str | None:
    """Where the `documents:preview` view serves the first page at this width, if stored."""
    preview = find_preview(document, width)
    return _url(document, preview) if preview else None


def preview_images(document: Document) -> dict | None:
    """The first-page images as the page's <picture> needs them, or None without any.

    PNG, where there is one, is the fallback <img> and WebP the <source>; each list is
    smallest first, and the smallest gives the <img> its src and proportions.
    """
    version = preview_version(document)
    by_type: dict[str, list[dict]] = {}
    for preview in sorted(document.previews, key=lambda preview: preview["width"]):
        extension = image_format(preview)
        if extension in PREVIEW_TYPES:
            url = f"{_url(document, preview)}?v={version}"
            by_type.setdefault(extension, []).append({**preview, "url": url})
    if not by_type:
        return None
    fallback = by_type.get("png") or by_type["webp"]
    return {
        "img": fallback[0],
        "srcset": _srcset(fallback),
        "webp_srcset": _srcset(by_type["webp"]) if "png" in by_type and "webp" in by_type else "",
    }


def stored_preview(document: Document, width: int, image_format: str) -> dict | None:
    """The stored image of this width and file type, or None."""
    return next(
        (
            image
            for image in document.previews
            if image["width"] == width and image["name"].lower().endswith(f".{image_format}")
        ),
        None,
    )


def _srcset(images: list[dict]) -> str:
    return ", ".join(f"{image['url']} {image['width']}w" for image in images)
