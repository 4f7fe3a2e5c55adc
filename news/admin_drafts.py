"""The post admin's help for writing: autosave, a kept featured image, pictures, tags, papers.

A mixin for PostAdmin. Its views answer the post form's script (news/static/news/editor.js)
with JSON, all behind the admin's login and staff check, each checking the post permissions
itself; POSTs carry the CSRF token like any admin form.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from PIL import Image
from taggit.models import Tag

from documents.models import Document
from news import autosave, body_pictures, pending_uploads
from news.admin_forms import PostAdminForm
from news.models import Post

if TYPE_CHECKING:
    _Base = admin.ModelAdmin[Post]
else:
    _Base = object

SUGGESTIONS = 10


class PostEditorAdminMixin(_Base):
    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        # Before the default URLs, whose "<path:object_id>/" would swallow these.
        return [
            path("autosave/", view(self.autosave_view), name=f"{name}_autosave_new"),
            path("<path:object_id>/autosave/", view(self.autosave_view), name=f"{name}_autosave"),
            path("editor/picture/", view(self.picture_view), name=f"{name}_body_picture"),
            path("editor/tags/", view(self.tags_view), name=f"{name}_tag_suggestions"),
            path("editor/papers/", view(self.papers_view), name=f"{name}_paper_suggestions"),
            path(
                "editor/kept/<str:token>/<str:filename>",
                view(self.kept_image_view),
                name=f"{name}_kept_image",
            ),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if not issubclass(form_class, PostAdminForm):
            return form_class
        attributes = {"user": request.user, "autosave_seconds": settings.NEWS_AUTOSAVE_SECONDS}
        return type(form_class.__name__, (form_class,), attributes)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Saved for real: the autosave and any kept image are now part of the post.
        autosave.discard_autosaves(request.user, form.instance)
        if isinstance(form, PostAdminForm):
            form.discard_kept_image()

    def _writable(self, request) -> None:
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied

    @method_decorator(require_http_methods(["GET", "POST"]))
    def autosave_view(self, request, object_id=None):
        """POST: keep the form's text as this person's autosave. GET: the autosave to offer."""
        post = None
        if object_id is not None:
            post = get_object_or_404(Post, pk=unquote(object_id))
            if not self.has_change_permission(request, post):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                saved = autosave.store_autosave(request.user, post, request.POST)
            except autosave.TooLarge as error:
                return JsonResponse({"error": str(error)}, status=413)
            return JsonResponse({"saved_at": _clock(saved.saved_at)})
        offer = autosave.autosave_to_offer(request.user, post)
        if offer is None:
            return JsonResponse({})
        return JsonResponse({"saved_at": _clock(offer.saved_at), "fields": offer.fields})

    @method_decorator(require_POST)
    def picture_view(self, request):
        """Store a picture for a post's text; answer the address, size and description."""
        self._writable(request)
        upload = request.FILES.get("picture")
        alt = request.POST.get("alt", "").strip()
        errors = {}
        if upload is None:
            errors["picture"] = "Please choose a picture (JPEG, PNG or WebP)."
        if not alt:
            errors["alt"] = "Please describe the picture for people who cannot see it."
        if upload is not None and not errors.get("alt"):
            try:
                picture = body_pictures.store_picture(upload)
            except ValidationError as error:
                errors["picture"] = " ".join(error.messages)
        if errors:
            return JsonResponse({"errors": errors}, status=400)
        return JsonResponse({**picture, "alt": alt})

    @method_decorator(require_GET)
    def tags_view(self, request):
        """Existing tags starting with (else containing) what was typed, as JSON; or, given
        `known` (names separated by commas), which of those names exist."""
        self._writable(request)
        typed = request.GET.get("q", "").strip()[:100]
        tags = Tag.objects.order_by("name")
        if "known" in request.GET:
            names = [name.strip() for name in request.GET["known"].split(",")[:50]]
            exact = models.Q()
            for name in filter(None, names):
                exact |= models.Q(name__iexact=name)
            found = list(tags.filter(exact)) if exact else []
        elif typed:
            starting = list(tags.filter(name__istartswith=typed)[:SUGGESTIONS])
            containing = tags.filter(name__icontains=typed).exclude(name__istartswith=typed)
            found = starting + list(containing[: SUGGESTIONS - len(starting)])
        else:
            found = list(tags[:SUGGESTIONS])
        return JsonResponse({"tags": [tag.name for tag in found]})

    @method_decorator(require_GET)
    def papers_view(self, request):
        """Papers whose title holds what was typed: title, page address and link text."""
        self._writable(request)
        typed = request.GET.get("q", "").strip()[:200]
        # Never a staff-only paper: a link to it in a public post would lead nowhere.
        papers = Document.objects.shown_with_posts().order_by("title")
        if typed:
            papers = papers.filter(title__icontains=typed)
        return JsonResponse(
            {
                "papers": [
                    {
                        "title": paper.title,
                        "url": paper.get_absolute_url(),
                        "download_url": paper.get_download_url(),
                        "label": paper.link_text,
                    }
                    for paper in papers[:SUGGESTIONS]
                ]
            }
        )

    @method_decorator(require_GET)
    def kept_image_view(self, request, token, filename):
        """The image kept for this person's refused form, for its thumbnail; only theirs."""
        self._writable(request)
        path = pending_uploads.kept_path(request.user, f"{token}/{filename}")
        if path is None:
            raise Http404("No such image.")
        file = pending_uploads.storage().open(path, "rb")
        # Checked by news.images when it was chosen: Pillow names its type.
        with Image.open(file) as image:
            content_type = Image.MIME.get(image.format or "", "application/octet-stream")
        file.seek(0)
        response = FileResponse(file, content_type=content_type)
        response["Cache-Control"] = "private, no-store"
        return response


def _clock(moment) -> str:
    """HH:MM in the site's time zone (UK time), as staff read a clock."""
    return timezone.localtime(moment).strftime("%H:%M")
