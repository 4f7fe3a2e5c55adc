"""Autosaves of the post form: stored while staff type, offered back, discarded on save.

Only the form's text fields are kept (AUTOSAVED_FIELDS), the body sanitised as it would be
on save. The live post is never touched: an autosave is a row of its own (news.models.Autosave).
"""

from typing import cast

from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from news.models import Autosave, Post

AUTOSAVED_FIELDS = (
    "title",
    "slug",
    "excerpt",
    "body",
    "tags",
    "signature",
    "image_alt",
    "event_location",
)
# More than any post's text; a bigger draft is refused rather than stored.
MAX_FIELD_LENGTH = 500_000


class TooLarge(ValueError):
    pass


def store_autosave(user, post: Post | None, data) -> Autosave:
    """Keep the form's text fields from `data` (a QueryDict or dict) as this person's autosave."""
    fields = {name: str(data[name]) for name in AUTOSAVED_FIELDS if name in data}
    if any(len(value) > MAX_FIELD_LENGTH for value in fields.values()):
        raise TooLarge("The text is too long to autosave.")
    if "body" in fields:
        body_field = cast(ProseEditorField, Post._meta.get_field("body"))
        fields["body"] = body_field.sanitize(fields["body"])
    autosave, _ = Autosave.objects.update_or_create(
        user=user, post=post, defaults={"fields": fields, "saved_at": timezone.now()}
    )
    return autosave


def autosave_to_offer(user, post: Post | None) -> Autosave | None:
    """This person's autosave worth offering: for a saved post, only if newer than the post."""
    autosave = Autosave.objects.filter(user=user, post=post).first()
    if autosave is None or (post is not None and autosave.saved_at <= post.updated_at):
        return None
    return autosave


def discard_autosaves(user, post: Post | None) -> None:
    """Forget this person's autosave of `post` (and of "new post", once it is saved)."""
    Autosave.objects.filter(user=user, post__isnull=True).delete()
    if post is not None:
        Autosave.objects.filter(user=user, post=post).delete()
