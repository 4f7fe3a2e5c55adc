from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone

from news.models import Attachment, Post


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 1
    fields = ["document", "position"]
    autocomplete_fields = ["document"]
    verbose_name_plural = "Attached papers (shown in order of position)"


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "author", "paper_count"]
    list_filter = ["status", "published_at", "author"]
    list_select_related = ["author"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AttachmentInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "signature", "excerpt"]}),
        ("Publishing", {"fields": ["status", "published_at", "author"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paper_total=Count("attachments"))

    @admin.display(description="papers", ordering="paper_total")
    def paper_count(self, post):
        return post.paper_total

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.action(description="Publish selected posts", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        queryset.filter(published_at__isnull=True).update(published_at=now)
        count = queryset.update(status=Post.Status.PUBLISHED)
        self.message_user(request, f"{count} post(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected posts (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Post.Status.DRAFT)
        self.message_user(request, f"{count} post(s) moved back to draft.", messages.SUCCESS)
