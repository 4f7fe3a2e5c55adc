"""Preview links: a signed, expiring address that shows an unpublished post to whoever holds it.

The token names the post and its preview key, so the link shows the post as last saved,
whenever it is opened, until the post is published or taken down (which changes the key and
so revokes every link shared before). It is signed with SECRET_KEY and stamped with the time
it was made; it stops working PREVIEW_LINK_DAYS days later (7 unless the setting says
otherwise).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from news.models import Post

SALT = "news.preview"
DEFAULT_LINK_DAYS = 7


def link_lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "PREVIEW_LINK_DAYS", DEFAULT_LINK_DAYS))


def make_preview_token(post: Post) -> str:
    return signing.dumps({"post": post.pk, "key": post.preview_key}, salt=SALT)


def preview_path(post: Post) -> str:
    """A fresh preview address for the post, valid from now for `link_lifetime()`."""
    return reverse("news:preview", kwargs={"token": make_preview_token(post)})


@require_safe
def preview(request, token):
    """The post as the public page will show it, for anyone holding a valid link."""
    try:
        signed = signing.loads(token, salt=SALT, max_age=link_lifetime())
    except signing.BadSignature as error:  # tampered, or expired (SignatureExpired)
        raise Http404("This preview link is not valid, or it has expired.") from error
    posts = Post.objects.for_listing().with_attachments()
    post = get_object_or_404(posts, pk=signed.get("post"))
    if post.is_public:
        response = redirect(post)
    elif signed.get("key") != post.preview_key:
        raise Http404("This preview link has been revoked.")
    else:
        response = render(request, "news/post_detail.html", {"post": post, "is_preview": True})
    # Whoever holds the link sees an unpublished post: no cache keeps it, no search engine
    # lists it, and no link followed from it passes the token on in a Referer header.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns = [path("preview/<str:token>/", preview, name="preview")]
