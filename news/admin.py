from contextlib import contextmanager

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from freshness.stamp import mark_site_changed
from news import revisions
from news.images import ImageUploadField
from news.models import EVENTS_SLUG, Attachment, Category, Post, SlugRedirect, new_preview_key
from news.preview import link_lifetime, preview_path
from news.services import save_post


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 1
    fields = ["document", "position"]
    autocomplete_fields = ["document"]
    verbose_name_plural = "Attached papers (shown in order of position)"


class StateFilter(admin.SimpleListFilter):
    """Draft / scheduled / published / expired, which the status field alone cannot tell."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Post.State.choices

    def queryset(self, request, queryset):
        if self.value() in Post.State.values:
            return queryset.in_state(Post.State(self.value()))
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "post_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_total=Count("posts"))

    @admin.display(description="posts", ordering="post_total")
    def post_count(self, category):
        return category.post_total


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "post", "created_at"]
    list_select_related = ["post"]
    search_fields = ["old_slug", "post__title"]
    raw_id_fields = ["post"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    class Media:
        js = ["news/editor-label.js"]

    # Its messages say why an upload is refused (Django's field would only say "invalid").
    formfield_overrides = {models.ImageField: {"form_class": ImageUploadField}}
    list_display = ["title", "state_label", "category", "published_at", "author"]
    list_filter = [StateFilter, "category", "published_at", "author"]
    list_select_related = ["author", "category"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AttachmentInline]
    actions = ["publish", "unpublish"]
    change_form_template = "admin/news/post/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "tags", "body", "signature"]}),
        ("Listing and sharing", {"fields": ["excerpt", "image", "image_alt"]}),
        (
            "Event details (for posts in Events)",
            {"fields": ["event_start", "event_end", "event_location"]},
        ),
        (
            "Publishing (times are UK time, Europe/London)",
            {"fields": ["status", "published_at", "expires_at", "author", "comments_open"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        if change:
            revisions.record_prior_state(obj.pk)
        old_slug = form.initial.get("slug") if change else None
        save_post(obj, by=request.user, old_slug=old_slug)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Here rather than in save_model: tags and papers are only saved by now.
        revisions.record_revision(form.instance, by=request.user)

    @admin.display(description="state")
    def state_label(self, post):
        return post.state.label

    def get_changeform_initial_data(self, request):
        initial = {"author": request.user.pk}
        if news := Category.objects.exclude(slug=EVENTS_SLUG).filter(slug="news").first():
            initial["category"] = news.pk
        return {**initial, **super().get_changeform_initial_data(request)}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and obj.state in ("draft", "scheduled"):
            context["preview_url"] = request.build_absolute_uri(preview_path(obj))
            context["preview_valid_until"] = timezone.now() + link_lifetime()
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description="Publish selected posts", permissions=["change"])
    def publish(self, request, queryset):
        with self._recording(request, queryset):
            queryset.filter(published_at__isnull=True).update(published_at=timezone.now())
            count = queryset.update(status=Post.Status.PUBLISHED, updated_at=timezone.now())
        self.message_user(request, f"{count} post(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected posts (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        with self._recording(request, queryset):
            count = queryset.update(status=Post.Status.DRAFT, updated_at=timezone.now())
        self.message_user(request, f"{count} post(s) moved back to draft.", messages.SUCCESS)

    @contextmanager
    def _recording(self, request, queryset):
        """Keep a revision of each post a bulk update changes, as a save in the form would."""
        pks = list(queryset.values_list("pk", flat=True))
        for pk in pks:
            revisions.record_prior_state(pk)
        yield
        mark_site_changed()  # a bulk update sends no save signal
        for pk in pks:  # published or taken down: preview links shared before stop working
            Post.objects.filter(pk=pk).update(preview_key=new_preview_key())
        for post in Post.objects.filter(pk__in=pks).select_related("category"):
            revisions.record_revision(post, by=request.user)

    # --- History: revisions listed, compared and restored -----------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        # Before the default URLs, whose "<path:object_id>/" would swallow these.
        return [
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name=f"{name}_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.compare_revisions_view),
                name=f"{name}_revisions_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(self.restore_revision_view),
                name=f"{name}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def revisions_view(self, request, object_id):
        post = self._post_or_refuse(request, object_id, self.has_view_permission)
        saved = list(post.revisions.select_related("created_by"))
        rows = [
            {
                "revision": revision,
                "note": revision.content.get(revisions.NOTE_KEY, ""),
                "changed": [
                    revisions.field_label(name)
                    for name in revisions.changed_fields(older.content, revision.content)
                ]
                if older
                else [],
            }
            for revision, older in zip(saved, [*saved[1:], None], strict=True)
        ]
        return self._render(request, "revisions.html", post, f"History of “{post}”", rows=rows)

    def compare_revisions_view(self, request, object_id):
        post = self._post_or_refuse(request, object_id, self.has_view_permission)
        chosen = [request.GET.get("a"), request.GET.get("b")]
        if all(chosen):
            try:
                pair = [get_object_or_404(post.revisions, pk=int(pk)) for pk in chosen]
            except ValueError as error:
                raise Http404("No such revision") from error
        else:
            pair = list(post.revisions.select_related("created_by")[:2])
        if len(pair) < 2 or pair[0] == pair[1]:
            self.message_user(request, "Choose two different versions to compare.", messages.INFO)
            return redirect(self._url("revisions", post))
        older, newer = sorted(pair, key=lambda revision: (revision.created_at, revision.pk))
        return self._render(
            request,
            "compare_revisions.html",
            post,
            f"Changes to “{post}”",
            older=older,
            newer=newer,
            changes=revisions.diff_revisions(older, newer),
        )

    def restore_revision_view(self, request, object_id, revision_id):
        post = self._post_or_refuse(request, object_id, self.has_change_permission)
        revision = get_object_or_404(post.revisions.select_related("created_by"), pk=revision_id)
        if request.method == "POST":
            try:
                plan = revisions.restore_revision(revision, by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, f"Not restored: {message}", messages.ERROR)
            else:
                described = revisions.describe(revision)
                self.log_change(request, post, f"Restored the version of {described}.")
                self.message_user(request, f"Restored the version of {described}.")
                for note in plan.notes:
                    self.message_user(request, note, messages.WARNING)
                return redirect(self._url("change", post))
        return self._render(
            request,
            "restore_revision.html",
            post,
            f"Restore an earlier version of “{post}”",
            revision=revision,
            plan=revisions.plan_restore(revision, post),
        )

    def _post_or_refuse(self, request, object_id, has_permission) -> Post:
        # Asked before the post is looked up, so those without the permission learn nothing.
        if not has_permission(request):
            raise PermissionDenied
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404("No such post")
        if not has_permission(request, post):
            raise PermissionDenied
        return post

    def _url(self, view_name, post) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_{view_name}"
        return reverse(name, args=[post.pk], current_app=self.admin_site.name)

    def _render(self, request, template, post, title, **context):
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "post": post,
                "can_restore": self.has_change_permission(request, post),
                **context,
            },
        )
