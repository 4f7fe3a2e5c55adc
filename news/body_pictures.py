"""Pictures put inside a post's text: checked and resized like featured images.

An upload is refused by news.images' rules, then stored as renditions (news.renditions) in
folder 0 of the renditions, which no post uses (primary keys start at 1), so a post's own
clean-up of its featured image never touches them. The text points at one rendition, at most
960 pixels wide, which news.views.rendition serves and news.body_html accepts.
"""

from news.images import validate_image

# The featured image's way of hashing and resizing, shared rather than written twice.
from news.renditions import _content_hash, _render, rendition_url

BODY_FOLDER = "renditions/0"
BODY_WIDTH = 960


def store_picture(upload) -> dict:
    """Check and store an upload; return {"src", "width", "height"} for an <img>.

    Raises ValidationError (news.images' words) when the file is not an accepted image.
    """
    validate_image(upload)
    upload.seek(0)
    # The same content gives the same address: uploading a picture twice stores it once.
    digest = _content_hash(upload)
    upload.seek(0)
    renditions = _render(upload, f"{BODY_FOLDER}/{digest}")
    suitable = [r for r in renditions if r["format"] == "webp" and r["width"] <= BODY_WIDTH]
    chosen = suitable[-1] if suitable else renditions[0]
    return {"src": rendition_url(chosen), "width": chosen["width"], "height": chosen["height"]}
