"""The moderation queue: replies listed pending first, counted per status, filtered,
searched, moderated one click per row (decisions.py) or in bulk through services.decide, each
with an Undo; one reply shown in its thread.

Over 250 lines on purpose: the queue's columns and the reply's page read one comment the same
way (names isolated, dates, statuses), and keeping them together keeps that one way.
"""

from django.contrib import admin, messages
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timezone import localtime

from comments.admin.approve_reply import ApproveAndReplyPage
from comments.admin.decisions import OneClickDecisions, buttons_for, undo_form
from comments.admin.personal_data import PersonalDataPage
from comments.models import Comment, conversation, replies
from comments.services import decide
from news.models import Post


class PostWithCommentsFilter(admin.SimpleListFilter):
    """Only posts that carry replies: a list of every post would show moderators the titles
    of drafts and embargoed posts they have no business seeing. And only the posts of the
    newest replies (at most FILTER_POSTS, and the post chosen): a site of 100,000 discussed
    posts cannot list them all, and the newest replies are where moderation is."""

    title = "post"
    parameter_name = "post"

    def lookups(self, request, model_admin):
        # The newest replies by primary key (the order they came in), read along its index.
        newest = Comment.objects.order_by("-pk").values_list("post_id", flat=True)
        ids = list(dict.fromkeys(newest[:FILTER_REPLIES]))[:FILTER_POSTS]
        chosen = self.value()
        if chosen and chosen.isdigit() and Comment.objects.filter(post_id=chosen).exists():
            ids.append(int(chosen))
        posts = Post.objects.filter(pk__in=ids).only("pk", "title").order_by("title", "pk")
        return [(str(post.pk), str(post)) for post in posts]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(post_id=value)
        if value:
            return queryset.none()  # a hand-made address: nothing, rather than an error page
        return queryset


# The post filter lists the posts of the newest FILTER_REPLIES replies, at most FILTER_POSTS.
FILTER_REPLIES = 1_000
FILTER_POSTS = 50
# Counted up to here, then shown as "10,000+": a count of a million rows reads a million rows.
STATUS_COUNT_CAP = 10_000
# Pending replies first, then newest first: the queue's order. Written out (no parameters) as
# in the index that serves it (comments migration 0007_pending_first_scale): a database only
# matches an index on an expression to the very same expression.
PENDING_FIRST = 'CASE WHEN "comments_comment"."status" = \'pending\' THEN 0 ELSE 1 END'
IN_CONTEXT_FIELDS = ("post_link", "thread", "in_reply_to", "answers")
# A reply's text in the queue: enough to judge it (about four lines), not the whole essay.
QUEUE_TEXT_CHARS = 320
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
        before = decide(queryset, status=status, by=request.user)
        text = f"{replies(len(before))} {verb}."
        if before:
            here = request.get_full_path()
            undo = undo_form(request, before, status, action=modeladmin._url("undo"), back_to=here)
            text = format_html("{} {}", text, undo)
        modeladmin.message_user(request, text, messages.SUCCESS)

    action.__name__ = name
    return action


Status = Comment.Status
MODERATION_ACTIONS = [
    _moderation_action("approve", Status.APPROVED, "approved", "Approve selected replies"),
    _moderation_action(
        "unapprove", Status.PENDING, "moved back to pending", "Unapprove selected replies"
    ),
    _moderation_action("mark_spam", Status.SPAM, "marked as spam", "Mark selected replies as spam"),
    _moderation_action(
        "trash", Status.TRASH, "moved to the trash", "Move selected replies to the trash"
    ),
]


class CommentAdmin(OneClickDecisions, PersonalDataPage, ApproveAndReplyPage, admin.ModelAdmin):
    # Three columns that fit 1280 px beside both sidebars, without scrolling: the reply itself
    # (who, what, when, on which post, from where), why it waits, and the buttons.
    list_display = ["reply_shown", "held_because", "decisions"]
    list_display_links = None  # the reply's own link is its author's name, in its cell
    list_filter = ["status", "submitted_at", PostWithCommentsFilter]
    list_select_related = ["post"]
    search_fields = ["name", "email", "text", "ip_address", "post__title"]
    # No date_hierarchy: its links read the date of every reply (the date filter above does not).
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
        # The moderation queue: pending replies first, newest first within each status. One
        # status chosen: newest first, along the status's own index.
        if request.GET.get("status__exact"):
            return ["-submitted_at", "-pk"]
        sql = PENDING_FIRST
        pending_first = RawSQL(sql, [], output_field=IntegerField())  # noqa: S611 # nosec B611 # a constant
        return [pending_first.asc(), "-submitted_at", "-pk"]

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if self.has_change_permission(request):
            return shown
        return [column for column in shown if column != "decisions"]

    # --- Columns and read-only fields ------------------------------------------------------

    # Names, texts and titles are isolated (<bdi>): one written right to left, or with a
    # bidirectional override, cannot reorder the columns or words around it.
    @admin.display(description="reply", ordering="submitted_at")
    def reply_shown(self, comment):
        staff = (
            format_html(' <span class="staff-badge">{}</span>', "Staff")
            if comment.is_staff_reply
            else ""
        )
        moment = localtime(comment.submitted_at)
        origin = format_html(" · from {}", comment.ip_address) if comment.ip_address else ""
        return format_html(
            '<a href="{}" class="reply-author"><bdi>{}</bdi></a>{}'
            '<div class="reply-text" dir="auto">{}</div>'
            '<div class="reply-meta"><time datetime="{}">{}</time> · on <bdi>{}</bdi>{}</div>',
            self._url("change", comment),
            comment.name,
            staff,
            Truncator(comment.text).chars(QUEUE_TEXT_CHARS),
            moment.isoformat(),
            date_format(moment, "j M Y, H:i"),
            comment.post.title,
            origin,
        )

    @admin.display(description="status and why")
    def held_because(self, comment):
        return format_html(
            '<span class="reply-status status-{}">{}</span><div class="reply-reason">{}</div>',
            comment.status,
            comment.get_status_display(),
            comment.reason,
        )

    @admin.display(description="moderate")
    def decisions(self, comment):
        """One button per decision, each submitting the page's one small form (no nesting
        inside the bulk actions' form, so it works without JavaScript)."""
        buttons = format_html_join(
            "",
            '<button type="submit" form="moderation-decision" name="decision" value="{}:{}"'
            ' class="button decision-{}" data-shortcut="{}">{}'
            '<span class="visually-hidden"> the reply from <bdi>{}</bdi></span></button>',
            (
                (comment.pk, status, status, key, label, comment.name)
                for status, label, key in buttons_for(comment)
            ),
        )
        label = "Reply" if comment.is_approved else "Approve and reply"
        return format_html(
            '<div class="decision-buttons" data-moderation-row>{}'
            '<a href="{}" class="reply-link">{}</a></div>',
            buttons,
            self._url("approve_reply", comment),
            label,
        )

    @admin.display(description="post")
    def post_link(self, comment):
        post = comment.post
        state = "" if post.is_public else f" ({post.state}: not public)"
        return format_html(
            '<a href="{}"><bdi>{}</bdi></a>{}', post.get_absolute_url(), post.title, state
        )

    @admin.display(description="its thread")
    def thread(self, comment):
        """The conversation up to this reply, oldest first, indented by depth: its parent
        chain and the earlier replies around it, each with its status (one query)."""
        earlier = (
            Comment.objects.annotate(conversation=conversation())
            .filter(conversation=comment.conversation_key, post_id=comment.post_id)
            .filter(submitted_at__lte=comment.submitted_at)
            .order_by("submitted_at", "pk")
        )
        ancestors = set(comment.ancestor_ids)
        items = format_html_join(
            "",
            '<li class="thread-reply depth-{}{}">{}{}</li>',
            (
                (
                    min(reply.depth, 6),
                    " this-reply" if reply.pk == comment.pk else "",
                    self._describe(reply),
                    self._relation(reply, comment, ancestors),
                )
                for reply in earlier
                if reply.pk == comment.pk
                or reply.submitted_at < comment.submitted_at
                or reply.pk < comment.pk
            ),
        )
        return format_html('<ol class="reply-thread">{}</ol>', items)

    @staticmethod
    def _relation(reply, comment, ancestors):
        if reply.pk == comment.pk:
            return format_html(' <strong class="thread-mark">{}</strong>', "(this reply)")
        if reply.pk == comment.parent_id:
            return format_html(' <span class="thread-mark">{}</span>', "(the reply it answers)")
        if reply.pk in ancestors:
            return format_html(' <span class="thread-mark">{}</span>', "(further up its thread)")
        return ""

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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            context["decisions"] = buttons_for(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- The queue: counts per status above the list ---------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "status_links": self._status_links(request),
            "can_export": self.has_view_permission(request),
            "can_decide": self.has_change_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def _status_links(self, request):
        """ "All (8) | Pending (3) | Approved (5) | Spam (0) | Trash (0)", each counted up to
        STATUS_COUNT_CAP along an index: a few thousand rows at most, however many there are."""
        counts = {"all": _capped_count(Comment.objects.all())}
        for status in Comment.Status.values:
            counts[status] = _capped_count(Comment.objects.filter(status=status))
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


def _capped_count(replies) -> int | str:
    counted = replies.order_by()[: STATUS_COUNT_CAP + 1].count()
    return f"{STATUS_COUNT_CAP:,}+" if counted > STATUS_COUNT_CAP else counted
