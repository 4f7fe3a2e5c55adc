"""The post form as staff fill it in: spell-checked, autosaved, and a chosen image kept.

PostAdminForm is the admin's form for posts. The admin (news.admin_drafts) gives it the
signed-in person (`user`) and the editor's addresses; without them (a form built in a test or
a script) it is Django's form for a post with spell-check on.
"""

from typing import cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from news import pending_uploads
from news.images import ImageUploadField
from news.models import Post
from news.widgets import KeptImageInput, TagsInput

# Fields staff type prose into: the browser's spell-check is on, in the site's language.
SPELLCHECKED_FIELDS = ("title", "excerpt", "signature", "image_alt", "event_location")


def _image_field() -> forms.Field:
    """The model's featured image field (label, help), with its refusals and kept file."""
    field = Post._meta.get_field("image")
    return cast(forms.Field, field.formfield(form_class=ImageUploadField, widget=KeptImageInput))


class PostAdminForm(forms.ModelForm):
    image = _image_field()
    # Set per request by the admin (news.admin_drafts.PostEditorAdminMixin.get_form).
    user = None
    autosave_seconds = 60

    class Meta:
        model = Post
        # What staff edit; the admin narrows it to its fieldsets.
        fields = [
            *("title", "slug", "category", "tags", "body", "signature", "excerpt"),
            *("image", "image_alt", "event_start", "event_end", "event_location"),
            *("status", "published_at", "expires_at", "author", "comments_open"),
        ]

    class Media:
        js = ["news/editor.js"]
        css = {"all": ["news/editor.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_key = ""
        language = settings.LANGUAGE_CODE
        for name in SPELLCHECKED_FIELDS:
            if name in self.fields:
                self.fields[name].widget.attrs.update(spellcheck="true", lang=language)
        if "body" in self.fields:
            self.fields["body"].widget.attrs.update(self._editor_attributes(language))
        if "tags" in self.fields and self.user is not None:
            self.fields["tags"].widget = TagsInput(
                suggest_url=reverse("admin:news_post_tag_suggestions"),
                attrs=self.fields["tags"].widget.attrs,
            )
        if self.is_bound and self.user is not None:
            self._use_kept_image()

    def _editor_attributes(self, language: str) -> dict:
        """What news/static/news/editor.js reads from the body's textarea."""
        attributes = {"data-lang": language}
        if self.user is None:
            return attributes
        if self.instance.pk:
            autosave_url = reverse("admin:news_post_autosave", args=[self.instance.pk])
        else:
            autosave_url = reverse("admin:news_post_autosave_new")
        return attributes | {
            # A form sent back (refused) shows what was just typed: newer than any autosave.
            "data-autosave-offer": "no" if self.is_bound else "yes",
            "data-autosave-url": autosave_url,
            "data-autosave-seconds": str(self.autosave_seconds),
            "data-picture-url": reverse("admin:news_post_body_picture"),
            "data-paper-url": reverse("admin:news_post_paper_suggestions"),
        }

    def _use_kept_image(self) -> None:
        """Put the image kept from the last attempt back, unless replaced or discarded."""
        key = self.data.get("image-kept", "")
        if not key:
            return
        if self.data.get("image-kept-discard") or self.files.get("image"):
            pending_uploads.discard(self.user, key)
            return
        if (upload := pending_uploads.open_kept(self.user, key)) is not None:
            self.files = self.files.copy()
            self.files["image"] = upload
            self.kept_key = key

    def full_clean(self):
        super().full_clean()
        if not self.errors or self.user is None:
            return
        upload = getattr(self, "cleaned_data", {}).get("image")
        if isinstance(upload, UploadedFile):
            # Refused for another reason: keep the file, so the next attempt need not choose it.
            self.kept_key = self.kept_key or pending_uploads.keep(self.user, upload)
            self.fields["image"].widget.kept = {
                "key": self.kept_key,
                "name": self.kept_key.split("/", 1)[1],
                "url": reverse("admin:news_post_kept_image", args=self.kept_key.split("/", 1)),
            }

    def discard_kept_image(self) -> None:
        """Once the post is saved, the kept file has been copied into it: delete it."""
        if self.kept_key and self.user is not None:
            pending_uploads.discard(self.user, self.kept_key)
            self.kept_key = ""
