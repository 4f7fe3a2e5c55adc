import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.utils.timezone import localtime

from comments.models import Comment, DiscussionSettings, ModeratorPreference
from comments.personal_data import comments_by, erase_personal_data, export_personal_data
from comments.services import moderate, submit_comment
from news.models import Post

STAFF_REASON = "Written by staff"


class PostWithCommentsFilter(admin.SimpleListFilter):
    """Only posts that carry replies: a list of every post would show moderators the titles
    of drafts and embargoed posts they have no business seeing."""

    title = "post"
    parameter_name = "post"

    def lookups(self, request, model_admin):
        posts = Post.objects.filter(comments__isnull=False).distinct().order_by("title", "pk")
        return [(str(post.pk), post.title) for post in posts.only("pk", "title")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(post_id=self.value())
        if self.value():
            return queryset.none()  # a hand-made address: nothing, rather than an error page
        return queryset


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        max_length=Comment._meta.get_field("text").max_length,
        help_text="Published at once under your name, in the thread of the comment above.",
    )


class PersonalDataForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="Every reply given with this address, in any mix of capitals, is included.",
    )


IN_CONTEXT_FIELDS = ["post_link", "in_reply_to", "answers"]
MODERATION_FIELDS = [
    "status",
    "reason",
    "staff_author",
    "submitted_at",
    "ip_address",
    "user_agent",
    "moderated_at",
    "moderated_by",
]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "short_text",
        "post",
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
    actions = ["approve", "unapprove", "mark_spam", "trash"]
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

    @admin.display(description="comment")
    def short_text(self, comment):
        return Truncator(comment.text).chars(80)

    @admin.display(description="staff")
    def staff_mark(self, comment):
        return "Staff" if comment.is_staff_reply else ""

    @admin.display(description="reply")
    def reply_link(self, comment):
        label = "Reply" if comment.status == Comment.Status.APPROVED else "Approve and reply"
        return format_html('<a href="{}">{}</a>', self._url("approve_reply", comment), label)

    @admin.display(description="post")
    def post_link(self, comment):
        post = comment.post
        state = "" if post.state == "published" else f" ({post.state}: not public)"
        return format_html('<a href="{}">{}</a>{}', post.get_absolute_url(), post.title, state)

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
            '<a href="{}">{}</a> ({}, {}): {}',
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

    # --- Actions: every change of status through services.moderate -------------------------

    def _moderate(self, request, queryset, status, verb):
        count = moderate(queryset, status=status, by=request.user)
        self.message_user(request, f"{count} comment(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Unapprove selected comments", permissions=["change"])
    def unapprove(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.PENDING, "moved back to pending")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM, "marked as spam")

    @admin.action(description="Move selected comments to the trash", permissions=["change"])
    def trash(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.TRASH, "moved to the trash")

    # --- Pages of our own: approve and reply; personal data --------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        # Before the default URLs, whose "<path:object_id>/" would swallow these.
        return [
            path("personal-data/", view(self.personal_data_view), name=f"{name}_personal_data"),
            path(
                "<path:object_id>/approve-and-reply/",
                view(self.approve_reply_view),
                name=f"{name}_approve_reply",
            ),
            *super().get_urls(),
        ]

    def approve_reply_view(self, request, object_id):
        # Asked before the comment is looked up, so those without the permission learn nothing.
        if not self.has_change_permission(request):
            raise PermissionDenied
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404("No such comment")
        form = ReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._approve_and_reply(request, comment, form.cleaned_data["text"])
            self.message_user(
                request, f"Approved the reply from {comment.name} and published yours."
            )
            return redirect(self._url("changelist"))
        return self._render(
            request, "approve_reply.html", f"Reply to {comment.name}", comment=comment, form=form
        )

    def _approve_and_reply(self, request, comment, text):
        user = request.user
        with transaction.atomic():
            moderate(Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=user)
            submit_comment(
                post=comment.post,
                parent=self._parent_for_reply_to(comment),
                user=user,
                name=user.get_full_name() or user.get_username(),
                email=user.email,
                text=text,
                status=Comment.Status.APPROVED,
                reason=STAFF_REASON,
            )

    @staticmethod
    def _parent_for_reply_to(comment):
        """The comment itself, or, where the thread can go no deeper, the deepest ancestor that
        can take a reply: the answer still shows in the same conversation."""
        depth_limit = settings.COMMENTS_THREAD_DEPTH
        if comment.depth + 1 < depth_limit:
            return comment
        if depth_limit < 2:
            return None  # no replies to replies at all: under the post
        # Gone if erased: then the answer goes under the post rather than nowhere.
        return Comment.objects.filter(pk=comment.ancestor_ids[depth_limit - 2]).first()

    def personal_data_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PersonalDataForm(request.POST or None)
        if request.method != "POST" or not form.is_valid():
            return self._render(request, "personal_data.html", "Personal data", form=form)
        email = form.cleaned_data["email"]
        if "erase" not in request.POST:
            return self._export(email)
        if not self.has_delete_permission(request):
            raise PermissionDenied
        if request.POST.get("confirmed") == "yes":
            count = erase_personal_data(email)
            self.message_user(request, f"Erased {count} comment(s) given with that address.")
            return redirect(self._url("personal_data"))
        comments = comments_by(email).select_related("post").order_by("submitted_at", "pk")
        if not comments.exists():
            erase_personal_data(email)  # no replies left, but queued emails may name them
        return self._render(
            request,
            "personal_data_erase.html",
            "Erase personal data",
            email=email,
            comments=comments,
        )

    def _export(self, email):
        data = json.dumps(export_personal_data(email), cls=DjangoJSONEncoder, indent=2)
        response = HttpResponse(data, content_type="application/json")
        # The address stays out of the file name: downloads folders get synced and shared.
        response["Content-Disposition"] = content_disposition_header(True, "personal-data.json")
        return response

    def _url(self, view_name, comment=None) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_{view_name}"
        args = [comment.pk] if comment is not None else []
        return reverse(name, args=args, current_app=self.admin_site.name)

    def _render(self, request, template, title, **context):
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "can_erase": self.has_delete_permission(request),
                **context,
            },
        )


class SingleRowAdmin(admin.ModelAdmin):
    """A model edited one row at a time: its list goes straight to the row it is about."""

    def row_for(self, request):
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = self.row_for(request)
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return redirect(reverse(name, args=[row.pk], current_app=self.admin_site.name))

    def has_add_permission(self, request):
        return False  # the list makes the row on first use

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(SingleRowAdmin):
    fieldsets = [
        (
            "Holding and publishing",
            {
                "fields": [
                    "hold_for_moderation",
                    "auto_approve_known_authors",
                    "max_links",
                    "hold_words",
                    "spam_words",
                ]
            },
        ),
        ("Closing and notifying", {"fields": ["close_after_days", "notify_post_author"]}),
    ]

    def row_for(self, request):
        return DiscussionSettings.current()


@admin.register(ModeratorPreference)
class ModeratorPreferenceAdmin(SingleRowAdmin):
    fields = ["user", "delivery"]
    readonly_fields = ["user"]

    def get_queryset(self, request):
        # Each moderator sees and edits only their own; superusers look after everyone's.
        rows = super().get_queryset(request).select_related("user")
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def row_for(self, request):
        return ModeratorPreference.objects.get_or_create(user=request.user)[0]

    def changelist_view(self, request, extra_context=None):
        if request.user.is_superuser:
            return admin.ModelAdmin.changelist_view(self, request, extra_context)
        return super().changelist_view(request, extra_context)
