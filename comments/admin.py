from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When

from comments.models import Comment
from comments.services import moderate


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_text", "post", "status", "submitted_at", "ip_address"]
    # No filter by post: it would list every post, drafts included, to moderators.
    list_filter = ["status", "submitted_at"]
    list_select_related = ["post"]
    search_fields = ["name", "email", "text", "ip_address", "post__title"]
    date_hierarchy = "submitted_at"
    actions = ["approve", "mark_spam", "unapprove"]
    # Status changes only through the actions, so each records who decided and when.
    readonly_fields = [
        "post",
        "status",
        "submitted_at",
        "ip_address",
        "moderated_at",
        "moderated_by",
    ]
    fields = [
        "post",
        "name",
        "email",
        "website",
        "text",
        "status",
        "submitted_at",
        "ip_address",
        "moderated_at",
        "moderated_by",
    ]

    def get_ordering(self, request):
        # The moderation queue: pending replies first, newest first within each status.
        pending_first = Case(
            When(status=Comment.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-submitted_at"]

    @admin.display(description="comment")
    def short_text(self, comment):
        return comment.text if len(comment.text) <= 80 else comment.text[:79] + "…"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "pending_count": Comment.objects.pending().count(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def _moderate(self, request, queryset, status, verb):
        count = moderate(queryset, status=status, by=request.user)
        self.message_user(request, f"{count} comment(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM, "marked as spam")

    @admin.action(description="Unapprove selected comments", permissions=["change"])
    def unapprove(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.PENDING, "moved back to pending")
