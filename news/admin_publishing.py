"""The post form's publishing: its action bar, preview before saving, unpublishing, messages.

A mixin for PostAdmin. The form's buttons say what they do (Save draft, Preview, Publish or
"Schedule for DATE", Update, Unpublish) and each sets the post's status through
news.services, so preview links, history and the site's freshness follow the same rules as
everywhere else. Preview renders the unsaved form with the public post template inside a
transaction that is rolled back: nothing it touched (post, tags, papers) is kept, and a newly
chosen image is left out so no file is written. Over 250 lines: the preview, the unpublish
confirmation and the form's plain words all belong to this one form.
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html

from news import services
from news.admin_pages import PostAdminPages
from news.models import EVENTS_SLUG, Category, Post
from news.preview import preview_path

# How the Schedule button and the messages write a date: "8 Dec 2026, 09:30" (UK time).
DATE_SHOWN = "j M Y, H:i"
# The fields folded away under "Advanced": the form's heading says what is inside.
ADVANCED_FIELDS = ("slug", "excerpt", "sticky", "comments_open", "expires_at")
ADVANCED_TITLE = (
    "Advanced: web address, summary for search engines, pinning, replies, take-down time"
)
EVENT_FIELDS = ("event_start", "event_end", "event_location")
# The pickers beside which Django would offer to change or delete the chosen user or
# category, for everyone, from the post form: one slip away from losing a category.
PLAIN_PICKERS = {"category", "author"}


def publish_label(*, published: bool, published_at: datetime | None, now: datetime) -> str:
    """What the main button does: Publish, "Schedule for DATE" for a future date, or Update
    for a post already out."""
    if published_at is not None and published_at > now:
        return f"Schedule for {format_date(timezone.localtime(published_at), DATE_SHOWN)}"
    return "Update" if published else "Publish"


def chosen_status(data, post: Post) -> str:
    """The status the pressed button asks for; any other way of saving keeps the post's."""
    if "_publish" in data:
        return Post.Status.PUBLISHED
    if "_draft" in data:
        return Post.Status.DRAFT
    return post.status


class PostPublishingMixin(PostAdminPages):
    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        # Before the default URLs, whose "<path:object_id>/" would swallow these.
        return [
            path("preview/", view(self.preview_view), name=f"{name}_preview_unsaved"),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name=f"{name}_preview_edits",
            ),
            path(
                "<path:object_id>/unpublish/",
                view(self.unpublish_view),
                name=f"{name}_unpublish",
            ),
            *super().get_urls(),
        ]

    # --- The form -------------------------------------------------------------------------

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if db_field.name in PLAIN_PICKERS and isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_change_related = False
            widget.can_delete_related = False
        if db_field.name == "slug" and formfield is not None:
            # The site's own address, only known per request; post-form.js adds the slug.
            prefix = request.build_absolute_uri(reverse("news:post_detail", args=["-"]))[:-2]
            formfield.help_text = format_html(
                '<span class="post-address">Full address: <output for="id_slug" '
                'data-prefix="{}">{}…/</output></span> {}',
                prefix,
                prefix,
                db_field.help_text,
            )
        return formfield

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        # The date as typed, when the form came back with errors; else as stored.
        typed = getattr(form, "cleaned_data", {}).get("published_at")
        published_at = typed if form.is_bound else getattr(obj, "published_at", None)
        published = obj is not None and obj.status == Post.Status.PUBLISHED
        can_save = self.has_change_permission(request, obj) if obj else add
        context.update(
            can_save_post=can_save and not context.get("is_popup"),
            post_is_published=published,
            publish_label=publish_label(
                published=published, published_at=published_at, now=timezone.now()
            ),
            preview_form_url=self._preview_url(obj),
            unpublish_url=self._url("unpublish", obj) if published and can_save else "",
            events_category=Category.objects.filter(slug=EVENTS_SLUG)
            .values_list("pk", flat=True)
            .first(),
        )
        if add:
            context["title"] = "New post"
        elif change and context.get("title", "").startswith("Change"):
            context["title"] = "Edit post"
        self._unfold_advanced_on_error(context["adminform"])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _unfold_advanced_on_error(self, adminform):
        """A mistake in a folded section is shown open, beside its field, never hidden."""
        if not any(name in adminform.form.errors for name in ADVANCED_FIELDS):
            return
        adminform.fieldsets = [
            (
                name,
                {**options, "classes": [c for c in options.get("classes", ()) if c != "collapse"]},
            )
            for name, options in adminform.fieldsets
        ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Posts", **(extra_context or {})})

    # --- After saving: stay on the form, with a link to the post ---------------------------

    def response_add(self, request, obj, post_url_continue=None):
        if self._django_handles(request):
            return super().response_add(request, obj, post_url_continue)
        return self._saved(request, obj, "added")

    def response_change(self, request, obj):
        if self._django_handles(request):
            return super().response_change(request, obj)
        return self._saved(request, obj, "saved")

    @staticmethod
    def _django_handles(request) -> bool:
        """A popup, "Save as new" and "Save and add another" keep Django's own ways."""
        return any(key in request.POST for key in (IS_POPUP_VAR, "_saveasnew", "_addanother"))

    def _saved(self, request, post: Post, verb: str):
        post.refresh_from_db()
        state = post.state
        if state == Post.State.SCHEDULED:
            when = timezone.localtime(post.published_at)
            done = f"and scheduled for {format_date(when, DATE_SHOWN)}"
        else:
            done = {
                Post.State.DRAFT: "as a draft",
                Post.State.PUBLISHED: "and published",
                Post.State.EXPIRED: "(not on the site: its take-down time has passed)",
            }[state]
        if state == Post.State.PUBLISHED:
            link, link_text = post.get_absolute_url(), "View post"
        else:
            link, link_text = preview_path(post), "Preview it"
        message = format_html(
            'The post “{}” was {} {}. <a href="{}" target="_blank" rel="noopener">{}'
            '<span class="visually-hidden"> (opens in a new tab)</span></a>',
            post,
            verb,
            done,
            link,
            link_text,
        )
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(self._url("change", post))

    # --- Preview before (or without) saving ----------------------------------------------

    def preview_view(self, request, object_id=None):
        """The form as posted, shown with the public post's template; nothing is kept."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = None
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
        else:
            if not self.has_change_permission(request):
                raise PermissionDenied
            post = self.get_object(request, unquote(object_id))
            if post is None:
                raise Http404("No such post")
            if not self.has_change_permission(request, post):
                raise PermissionDenied
        stored_image = post.image.name if post is not None else ""
        form = self.get_form(request, post, change=post is not None)(
            request.POST, request.FILES, instance=post
        )
        formsets = self._posted_formsets(request, form.instance)
        errors = self._preview_errors(form, formsets)
        response = None
        if not errors:
            try:
                response = self._render_preview(request, form, formsets, stored_image)
            except IntegrityError:
                errors = [("", "The post could not be shown: it clashes with another post.")]
        if response is None:
            response = render(
                request,
                "admin/news/post/preview_errors.html",
                {
                    **self.admin_site.each_context(request),
                    "errors": errors,
                    "title": "Preview not shown yet",
                },
            )
        # An unpublished post: no cache keeps it, no search engine lists it.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def _posted_formsets(self, request, post):
        formsets = []
        for formset_class, inline in self.get_formsets_with_inlines(request, post):
            formsets.append(
                formset_class(
                    request.POST,
                    request.FILES,
                    instance=post,
                    prefix=formset_class.get_default_prefix(),
                    queryset=inline.get_queryset(request),
                )
            )
        return formsets

    @staticmethod
    def _preview_errors(form, formsets) -> list[tuple[str, str]]:
        """Each mistake as (field label, message), in the form's order."""
        form_valid = form.is_valid()  # both validated, so every mistake is listed
        formsets_valid = all([formset.is_valid() for formset in formsets])
        if form_valid and formsets_valid:
            return []
        errors = []
        for name, messages_ in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            errors += [(str(label or "").capitalize(), message) for message in messages_]
        for formset in formsets:
            errors += [("Attached papers", message) for message in formset.non_form_errors()]
            for form_errors in formset.errors:
                for message_list in form_errors.values():
                    errors += [("Attached papers", message) for message in message_list]
        return errors

    def _render_preview(self, request, form, formsets, stored_image):
        with transaction.atomic():
            post = form.save(commit=False)
            if "image" in form.changed_data:
                post.image = stored_image  # no file written; the chosen one shows once saved
            post.save()
            form.save_m2m()
            for formset in formsets:
                formset.instance = post
                formset.save()
            shown = Post.objects.for_listing().with_attachments().get(pk=post.pk)
            response = render(
                request,
                "news/post_detail.html",
                {"post": shown, "is_preview": True},
            )
            transaction.set_rollback(True)  # everything the preview saved goes
        return response

    def _preview_url(self, post: Post | None) -> str:
        if post is None or post.pk is None:
            name = f"admin:{self.opts.app_label}_{self.opts.model_name}_preview_unsaved"
            return reverse(name, current_app=self.admin_site.name)
        return self._url("preview_edits", post)

    # --- Unpublish, after a confirmation ---------------------------------------------------

    def unpublish_view(self, request, object_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404("No such post")
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        if post.status != Post.Status.PUBLISHED:
            self.message_user(request, f"The post “{post}” is not published.", messages.INFO)
            return HttpResponseRedirect(self._url("change", post))
        if request.method == "POST":
            services.unpublish([post], by=request.user)
            self.message_user(
                request,
                f"The post “{post}” was unpublished: it is a draft again, no longer on the site.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("change", post))
        return TemplateResponse(
            request,
            "admin/news/post/unpublish.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Unpublish “{post}”?",
                "post": post,
            },
        )
