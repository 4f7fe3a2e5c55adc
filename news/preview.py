"""Preview links: a signed, expiring address that shows an unpublished post to whoever holds it.

The token names the post and its preview key, so the link shows the post as last saved,
whenever it is opened, until the post is published or taken down (which changes the key and
so revokes every link shared before). It is signed with SECRET_KEY and stamped with the time
it was made; it stops working settings.PREVIEW_LINK_DAYS days later. The page is
news.views.preview.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from news.models import Post

SALT = "news.preview"


def link_lifetime() -> timedelta:
    return timedelta(days=settings.PREVIEW_LINK_DAYS)


def make_preview_token(post: Post) -> str:
    return signing.dumps({"post": post.pk, "key": post.preview_key}, salt=SALT)


def read_preview_token(token: str) -> dict:
    """The {"post": pk, "key": preview key} a token names.

    Raises signing.BadSignature if it was tampered with, or SignatureExpired (a subclass) if
    it is older than link_lifetime().
    """
    return signing.loads(token, salt=SALT, max_age=link_lifetime())


def preview_path(post: Post) -> str:
    """A fresh preview address for the post, valid from now for `link_lifetime()`."""
    return reverse("news:preview", kwargs={"token": make_preview_token(post)})
