"""A post's featured image as a responsive <picture>, and its address for sharing."""

from django import template

from news.renditions import rendition_url, renditions_by_format, sharing_image_url

register = template.Library()

# The width the image takes on the page: the post column, or the whole narrow screen.
DEFAULT_SIZES = "(min-width: 44rem) 44rem, 100vw"


def _srcset(renditions: list[dict]) -> str:
    return ", ".join(f"{rendition_url(item)} {item['width']}w" for item in renditions)


@register.inclusion_tag("news/includes/_picture.html")
def post_picture(post, sizes=DEFAULT_SIZES, loading="lazy"):
    """The featured image, or nothing. Use loading="eager" for an image at the top of a page."""
    webp, fallback = renditions_by_format(post)
    if not fallback:
        return {}
    largest = fallback[-1]
    return {
        "webp_srcset": _srcset(webp),
        "srcset": _srcset(fallback),
        "src": rendition_url(largest),
        "width": largest["width"],
        "height": largest["height"],
        "sizes": sizes,
        "alt": post.image_alt,
        "loading": loading,
    }


@register.simple_tag
def post_image_url(post) -> str:
    """The path of the largest fallback rendition (for og:image), or "" without an image."""
    return sharing_image_url(post)
