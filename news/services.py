"""Writing posts: what happens around a save that staff make."""

from django.db import transaction

from news.models import Post, SlugRedirect
from news.renditions import make_renditions


def save_post(post: Post, *, by, old_slug: str | None = None) -> Post:
    """Save a post and its image renditions; a changed slug keeps the old address working."""
    with transaction.atomic():
        post.save()
        previous = post.image_renditions
        if make_renditions(post) != previous:
            post.save(update_fields=["image_renditions"])
        if old_slug and old_slug != post.slug:
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"post": post})
        # An address in use by a post is never also a redirect (staff may reuse an old slug).
        SlugRedirect.objects.filter(old_slug=post.slug).delete()
    return post
