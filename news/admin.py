"""The news admin: categories, redirects, and posts with their papers, actions and history."""

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from documents.disk_full import DiskFullAdminMixin
from news import services
from news.admin_drafts import PostEditorAdminMixin
from news.admin_forms import PostAdminForm
from news.admin_publishing import (
    ADVANCED_FIELDS,
    ADVANCED_TITLE,
    EVENT_FIELDS,
    PostPublishingMixin,
    chosen_status,
)
from news.admin_revisions import PostHistoryMixin
from news.images import ImageUploadField
from news.models import EVENTS_SLUG, Attachment, Category, Post, SlugRedirect
from news.preview import link_lifetime, preview_path
from news.revisions.record import record_prior_state, record_revision


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
        value = self.value()
        if value is not None and value in Post.State.values:
            return queryset.in_state(Post.State(value))
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "web_address", "post_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["labels"] = {"slug": "Web address", **kwargs.get("labels", {})}
        kwargs["help_texts"] = {
            "slug": "The end of the category's address: letters, digits and hyphens.",
            **kwargs.get("help_texts", {}),
        }
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="web address", ordering="slug")
    def web_address(self, category):
        return settings.SITE_URL.rstrip("/") + category.get_absolute_url()

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_total=Count("posts"))

    @admin.display(description="posts", ordering="post_total")
    def post_count(self, category):
        return category.post_total


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    """Machinery: saving a post with a new web address makes these, so only superusers see them.

    Editors keep the model's permissions (a post's deletion takes its redirects with it, and the
    admin refuses a deletion whose related rows its user may not delete); they just never meet
    the list. Deleting stays the model permission's, for that same cascade.
    """

    list_display = ["old_web_address", "post", "created_at"]
    list_select_related = ["post"]
    search_fields = ["old_slug", "post__title"]
    raw_id_fields = ["post"]

    @admin.display(description="old web address", ordering="old_slug")
    def old_web_address(self, redirect):
        return redirect.old_slug

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # Within a post's deletion, the model permission; on the redirects' own pages, as above.
        match = request.resolver_match
        own_page = match is not None and (match.url_name or "").startswith("news_slugredirect_")
        allowed = super().has_delete_permission(request, obj)
        return allowed and (request.user.is_superuser or not own_page)


@admin.register(Post)
class PostAdmin(
    PostPublishingMixin,
    PostEditorAdminMixin,
    DiskFullAdminMixin,
    PostHistoryMixin,
    admin.ModelAdmin,
):
    class Media:
        js = [
            "news/editor-label.js",
            "news/post-form.js",
            "news/post-form-labels.js",
            "news/post-form-background.js",
        ]
        css = {"all": ["news/post-form.css"]}

    form = PostAdminForm

    # Its messages say why an upload is refused (Django's field would only say "invalid").
    formfield_overrides = {models.ImageField: {"form_class": ImageUploadField}}
    list_display = ["title_shown", "state_label", "category", "published_at", "author"]
    list_filter = [StateFilter, "category", "published_at", "author"]
    list_select_related = ["author", "category"]
    search_fields = ["title", "excerpt", "body"]
    # No date_hierarchy: its links read the date of every post (the date filter above does not).
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AttachmentInline]
    actions = ["publish", "unpublish"]
    change_form_template = "admin/news/post/change_form.html"
    # Short: what every post needs first; events' fields only show for Events (post-form.js),
    # the rest folded under a heading that says what it holds. Status is set by the buttons.
    fieldsets = [
        (None, {"fields": ["title", "category", "tags", "body", "signature"]}),
        ("Featured image", {"fields": ["image", "image_alt"]}),
        (
            "Event details (for posts in Events)",
            {"fields": EVENT_FIELDS, "classes": ["post-event-fields"]},
        ),
        (
            "Publishing (times are UK time, Europe/London)",
            {"fields": ["published_at", "author"]},
        ),
        (ADVANCED_TITLE, {"fields": ADVANCED_FIELDS, "classes": ["collapse", "post-advanced"]}),
    ]

    def save_model(self, request, obj, form, change):
        # The button pressed (Save draft, Publish, Update) chooses the status.
        obj.status = chosen_status(request.POST, obj)
        if change:
            record_prior_state(obj.pk)
        old_slug = form.initial.get("slug") if change else None
        services.save_post(obj, by=request.user, old_slug=old_slug)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Here rather than in save_model: tags and papers are only saved by now.
        record_revision(form.instance, by=request.user)

    def delete_model(self, request, obj):
        services.delete_posts([obj])

    def delete_queryset(self, request, queryset):
        services.delete_posts(queryset)

    @admin.display(description="title", ordering="title")
    def title_shown(self, post):
        # Isolated: a title written right to left, or with a bidirectional override, cannot
        # reorder the columns or words around it.
        return format_html("<bdi>{}</bdi>", post.title)

    @admin.display(description="state")
    def state_label(self, post):
        return post.state.label

    def get_changeform_initial_data(self, request):
        initial = {"author": request.user.pk}
        if news := Category.objects.exclude(slug=EVENTS_SLUG).filter(slug="news").first():
            initial["category"] = news.pk
        return {**initial, **super().get_changeform_initial_data(request)}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and obj.state in (Post.State.DRAFT, Post.State.SCHEDULED):
            context["preview_url"] = request.build_absolute_uri(preview_path(obj))
            context["preview_valid_until"] = timezone.now() + link_lifetime()
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description="Publish selected posts", permissions=["change"])
    def publish(self, request, queryset):
        count = services.publish(queryset, by=request.user)
        self.message_user(request, f"{count} post(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected posts (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.unpublish(queryset, by=request.user)
        self.message_user(request, f"{count} post(s) moved back to draft.", messages.SUCCESS)
