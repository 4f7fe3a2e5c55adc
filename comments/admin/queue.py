"""The moderation queue: replies listed pending first, counted per status, filtered,
searched, and moderated in bulk through services.moderate; one reply shown in context."""

from django.contrib import admin, messages
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timezone import localtime

from comments.admin.approve_reply import ApproveAndReplyPage
from comments.admin.personal_data import PersonalDataPage
from comments.models import Comment
from comments.services import moderate
from news.models import Post


class PostWithCommentsFilter(admin.SimpleListFilter):
    """Only posts that carry replies: a list of every post would show moderators the titles
    of drafts and embargoed posts they have no business seeing."""

    title = "post"
    parameter_name = "post"

    def lookups(self, request, model_admin):
        posts = Post.objects.filter(comments__isnull=False).distinct().order_by("title", "pk")
        return [(str(post.pk), str(post)) for post in posts.only("pk", "title")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(post_id=value)
        if value:
            return queryset.none()  # a hand-made address: nothing, rather than an error page
        return queryset


IN_CONTEXT_FIELDS = ("post_link", "in_reply_to", "answers")
MODERATION_FIELDS = (
    "status",
    "reason",
    "staff_author",
    "submitted_at",
    "ip_address",
    "user_agent",
    "moderated_at",
    "moderated_by",
)


def _moderation_action(name: str, status: str, verb: str, description: str):
    """A bulk action giving the chosen replies `status`, for those who may change replies."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        count = moderate(queryset, status=status, by=request.user)
        modeladmin.message_user(request, f"{count} comment(s) {verb}.", messages.SUCCESS)

    action.__name__ = name
    return action


Status = Comment.Status
MODERATION_ACTIONS = [
    _moderation_action("approve", Status.APPROVED, "approved", "Approve selected comments"),
    _moderation_action(
        "unapprove", Status.PENDING, "moved back to pending", "Unapprove selected comments"
    ),
    _moderation_action(
        "mark_spam", Status.SPAM, "marked as spam", "Mark selected comments as spam"
    ),
    _moderation_action(
        "trash", Status.TRASH, "moved to the trash", "Move selected comments to the trash"
    ),
]


class CommentAdmin(PersonalDataPage, ApproveAndReplyPage, admin.ModelAdmin):
    list_display = [
        "name_shown",
        "short_text",
        "post_title",
        "status",
        "reason",
        "staff_mark",
        "submitted_at",
        "ip_address",
        "reply_link",
    ]
    list_filter = ["status", "submitted_at", PostWithCommentsFilter]
    list_select_related = ["post"]
    search_fields = ["name", "email", "text", "ip_address", "post__title"]
    date_hierarchy = "submitted_at"
    actions = MODERATION_ACTIONS
    change_form_template = "admin/comments/comment/change_form.html"
    fieldsets = [
        ("In context", {"fields": IN_CONTEXT_FIELDS}),
        ("The reply", {"fields": ["name", "email", "website", "text"]}),
        ("Moderation", {"fields": MODERATION_FIELDS}),
    ]
    # Status changes only through the actions, so each records who decided, when and why.
    readonly_fields = [*IN_CONTEXT_FIELDS, *MODERATION_FIELDS]

    def has_add_permission(self, request):
        # Replies come from the site, or from "Approve and reply", which records the author.
        return False

    def get_ordering(self, request):
        # The moderation queue: pending replies first, newest first within each status.
        pending_first = Case(
            When(status=Comment.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-submitted_at"]

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if self.has_change_permission(request):
            return shown
        return [column for column in shown if column != "reply_link"]

    # --- Columns and read-only fields ------------------------------------------------------

    # Names, texts and titles are isolated (<bdi>): one written right to left, or with a
    # bidirectional override, cannot reorder the columns or words around it.
    @admin.display(description="name", ordering="name")
    def name_shown(self, comment):
        return format_html("<bdi>{}</bdi>", comment.name)

    @admin.display(description="comment")
    def short_text(self, comment):
        return format_html("<bdi>{}</bdi>", Truncator(comment.text).chars(80))

    @admin.display(description="post", ordering="post")
    def post_title(self, comment):
        return format_html("<bdi>{}</bdi>", comment.post.title)

    @admin.display(description="staff")
    def staff_mark(self, comment):
        return "Staff" if comment.is_staff_reply else ""

    @admin.display(description="reply")
    def reply_link(self, comment):
        label = "Reply" if comment.is_approved else "Approve and reply"
        return format_html('<a href="{}">{}</a>', self._url("approve_reply", comment), label)

    @admin.display(description="post")
    def post_link(self, comment):
        post = comment.post
        state = "" if post.is_public else f" ({post.state}: not public)"
        return format_html(
            '<a href="{}"><bdi>{}</bdi></a>{}', post.get_absolute_url(), post.title, state
        )

    @admin.display(description="in reply to")
    def in_reply_to(self, comment):
        if comment.parent is None:
            return "The post itself" if not comment.ancestry else "A reply since erased"
        return self._describe(comment.parent)

    @admin.display(description="replies to it")
    def answers(self, comment):
        replies = comment.replies.order_by("submitted_at", "pk")
        if not replies:
            return "None yet"
        items = format_html_join("", "<li>{}</li>", ((self._describe(r),) for r in replies))
        return format_html("<ul>{}</ul>", items)

    @admin.display(description="staff author")
    def staff_author(self, comment):
        return comment.user or "—"

    def _describe(self, comment):
        return format_html(
            '<a href="{}"><bdi>{}</bdi></a> ({}, {}): <bdi>{}</bdi>',
            self._url("change", comment),
            comment.name,
            comment.get_status_display(),
            date_format(localtime(comment.submitted_at), "j M Y, H:i"),
            Truncator(comment.text).chars(200),
        )

    # --- The queue: counts per status above the list ---------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "status_links": self._status_links(request),
            "can_export": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def _status_links(self, request):
        """ "All | Pending (3) | Approved (5) | Spam | Trash", counted in one query."""
        counts = Comment.objects.aggregate(
            all=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in Comment.Status.values},
        )
        current = request.GET.get("status__exact", "all")
        changelist = self._url("changelist")
        return [
            {
                "label": label,
                "count": counts[value],
                "url": changelist if value == "all" else f"{changelist}?status__exact={value}",
                "current": current == value,
            }
            for value, label in [("all", "All"), *Comment.Status.choices]
        ]
