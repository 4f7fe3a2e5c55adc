"""The papers' admin: list, add and change forms, earlier versions, and deleting with care.

The form is documents.forms, the downloads chart documents.charts and the staff-only file
views documents.staff_files. Posts carrying a paper are read through its `attachments`
relation, the one thing this app assumes of the app attaching papers (see documents.models).
Over 250 lines: beside the list and forms, a paper added from another form's "+" shows its
accessibility advice before the popup closes, and another form may upload a paper in the
background (upload_json_view: the same form, checks and ingest service, answered in JSON).
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.admin.actions import delete_selected as confirm_and_delete
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, Prefetch, prefetch_related_objects
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.views.decorators.http import require_POST

from documents.charts import downloads_chart
from documents.disk_full import DISK_FULL_MESSAGE, DiskFullAdminMixin, is_disk_full
from documents.formats import OFFICE_FORMATS, PDF
from documents.forms import DocumentForm
from documents.ingest import ingest_upload, replace_file
from documents.models import Document, DocumentVersion
from documents.previews import find_preview
from documents.staff_files import StaffFileViews

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

# The posts a paper's row in the list names; the rest are counted ("and 37 more").
USED_IN_NAMED = 3


class FileTypeFilter(admin.SimpleListFilter):
    """Each type of file the site has ever accepted, from its list of formats rather than by
    reading every paper's type; the same address as Django's filter on the field."""

    title = "file type"
    parameter_name = "file_type__exact"

    def lookups(self, request, model_admin):
        return [(format.file_type, format.file_type) for format in [PDF, *OFFICE_FORMATS]]

    def queryset(self, request, queryset):
        return queryset.filter(file_type=self.value()) if self.value() else queryset


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ("version_file", "size_label", "page_count", "uploaded_at", "uploaded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Earlier versions (kept for staff, never shown to visitors)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="file")
    def version_file(self, version):
        url = reverse(
            "admin:documents_document_version_file", args=[version.document_id, version.pk]
        )
        return format_html('<a href="{}">{}</a>', url, Path(version.file.name).name)

    @admin.display(description="size", ordering="size")
    def size_label(self, version):
        return version.size_label


@admin.register(Document)
class DocumentAdmin(DiskFullAdminMixin, StaffFileViews, admin.ModelAdmin):
    form = DocumentForm
    exclude = ["file"]  # the form's own file field replaces it
    inlines = [DocumentVersionInline]
    list_display = [
        "thumbnail",
        "title_shown",
        "page_count",
        "size_label",
        "download_count",
        "visibility_label",
        "used_in",
        "uploaded_at",
    ]
    list_display_links = ["title_shown"]
    list_filter = ["visibility", FileTypeFilter, "uploaded_at"]
    search_fields = ["title", "description", "text"]
    # No date_hierarchy: its links read the date of every paper (the date filter above does not).
    actions = ["delete_selected"]
    readonly_fields = [
        "current_file",
        "first_page",
        "file_type",
        "page_count",
        "size_label",
        "sha256",
        "uploaded_by",
        "file_updated_at",
        "accessibility_check",
        "downloads_chart",
        "uploaded_at",
        "updated_at",
    ]
    add_fieldsets: "_FieldsetSpec" = [
        (None, {"fields": ["title", "description", "visibility", "file"]})
    ]
    fieldsets = [
        *add_fieldsets,
        (
            "The current file",
            {
                "fields": [
                    "current_file",
                    "first_page",
                    ("file_type", "page_count", "size_label"),
                    "sha256",
                    ("uploaded_by", "file_updated_at"),
                ]
            },
        ),
        ("Accessibility of the paper", {"fields": ["accessibility_check"]}),
        ("Downloads", {"fields": ["downloads_chart"]}),
        ("History", {"fields": [("uploaded_at", "updated_at")]}),
    ]

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj else self.add_fieldsets

    def get_inlines(self, request, obj):
        return self.inlines if obj else []  # a new paper has no earlier versions

    def get_queryset(self, request):
        # The text can be megabytes per paper: searched, never shown.
        queryset = super().get_queryset(request).defer("text")
        # A paper on every post of a series is on thousands: the list names the first few.
        attachments = self.model._meta.get_field("attachments").related_model.objects
        first = attachments.select_related("post").order_by("pk")[:USED_IN_NAMED]
        named = Prefetch("attachments", queryset=first, to_attr="first_attachments")
        return queryset.select_related("uploaded_by").prefetch_related(named)

    def get_changelist_instance(self, request):
        """The list, with how many posts carry each paper of the page (one query)."""
        changelist = super().get_changelist_instance(request)
        documents = list(changelist.result_list)  # the page, kept for the template to show
        attachments = self.model._meta.get_field("attachments").related_model.objects
        rows = (
            attachments.filter(document__in=documents)
            .values_list("document")
            .annotate(total=Count("pk"))
            .order_by()
        )
        totals = dict(rows)
        for document in documents:
            document.attachment_total = totals.get(document.pk, 0)
        return changelist

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("file")
        if upload and change:
            replace_file(obj, upload, by=request.user)
            self.message_user(request, "The previous file is kept as an earlier version.")
        elif upload:
            ingest_upload(obj, upload, by=request.user)
        else:
            obj.save()

    # --- Adding a paper from another form's "+" -------------------------------------------

    def get_urls(self):
        done = path(
            "<int:pk>/popup-done/",
            self.admin_site.admin_view(self.popup_done_view),
            name="documents_document_popup_done",
        )
        upload = path(
            "upload.json",
            self.admin_site.admin_view(require_POST(self.upload_json_view)),
            name="documents_document_upload_json",
        )
        return [done, upload, *super().get_urls()]

    def upload_json_view(self, request):
        """A paper uploaded from another form in the background (news post-form-background.js).

        The add form's own checks (DocumentForm) and ingest service; a refusal answers 400
        with the same messages, as HTML already escaped, for the page to show beside its control.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request)(
            data={"title": "", "description": "", "visibility": Document.Visibility.WITH_POSTS},
            files=request.FILES,
        )
        if not form.is_valid():
            errors = [conditional_escape(e) for field in form.errors.values() for e in field]
            return JsonResponse({"errors": errors}, status=400)
        try:
            document = ingest_upload(form.instance, form.cleaned_data["file"], by=request.user)
        except ValidationError as error:  # read from the file: too long a title, say
            errors = [conditional_escape(m) for m in error.messages]
            return JsonResponse({"errors": errors}, status=400)
        except OSError as error:
            if not is_disk_full(error):
                raise
            return JsonResponse({"errors": [conditional_escape(DISK_FULL_MESSAGE)]}, status=507)
        return JsonResponse(
            {
                "value": str(document.pk),
                "obj": str(document),
                "checked": bool(document.accessibility),
                "problems": document.accessibility_problems,
                "change_url": reverse("admin:documents_document_change", args=[document.pk]),
            },
            status=201,
        )

    def response_add(self, request, obj, post_url_continue=None):
        """From a popup: the paper's accessibility advice first, then "Done" closes it."""
        if IS_POPUP_VAR not in request.POST:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": "Paper added: check its accessibility",
            "is_popup": True,
            "document": obj,
            "problems": obj.accessibility_problems,
            "done_url": reverse("admin:documents_document_popup_done", args=[obj.pk]),
            "to_field": request.POST.get(TO_FIELD_VAR, ""),
        }
        return TemplateResponse(request, "admin/documents/document/popup_advice.html", context)

    def popup_done_view(self, request, pk):
        """Hand the paper to the form that opened the popup, as Django's own "+" does."""
        document = get_object_or_404(Document, pk=pk)
        if not self.has_view_or_change_permission(request, document):
            raise PermissionDenied
        to_field = request.GET.get(TO_FIELD_VAR, "")
        if to_field and not self.to_field_allowed(request, to_field):
            raise DisallowedModelAdminToField(f"The field {to_field} cannot be referenced.")
        value = document.serializable_value(to_field or document._meta.pk.attname)
        data = json.dumps({"value": str(value), "obj": str(document)})
        return TemplateResponse(
            request,
            self.popup_response_template
            or ["admin/documents/document/popup_response.html", "admin/popup_response.html"],
            {"popup_response_data": data},
        )

    def delete_queryset(self, request, queryset):
        # One by one, so each paper's files leave the disk with its row.
        for document in queryset:
            document.delete()

    # --- Deleting a paper still attached to posts -------------------------------------------

    def render_delete_form(self, request, context):
        context.update(_used_in_context([context["object"]]))
        return super().render_delete_form(request, context)

    @admin.action(description="Delete selected papers", permissions=["delete"])
    def delete_selected(self, request, queryset):
        response = confirm_and_delete(self, request, queryset)
        if response is not None:  # the confirmation page, still to be rendered
            assert response.context_data is not None  # nosec B101 # rendered with a context
            response.context_data.update(_used_in_context(queryset))
            response.context_data["several"] = True
        return response

    # --- Columns and read-only fields -------------------------------------------------------

    @admin.display(description="title", ordering="title")
    def title_shown(self, document):
        # Isolated: a title written right to left, or with a bidirectional override, cannot
        # reorder the columns or words around it.
        return format_html("<bdi>{}</bdi>", document.title)

    @admin.display(description="preview")
    def thumbnail(self, document):
        preview = find_preview(document, 240)
        if not preview:
            return "—"
        height = round(60 * preview["height"] / preview["width"])
        url = reverse("admin:documents_document_preview", args=[document.pk, 240])
        return format_html('<img src="{}" width="60" height="{}" alt="">', url, height)

    @admin.display(description="first page")
    def first_page(self, document):
        preview = find_preview(document, 480)
        if not preview:
            return "No preview (only PDFs get one)."
        url = reverse("admin:documents_document_preview", args=[document.pk, 480])
        height = round(240 * preview["height"] / preview["width"])
        return format_html(
            '<img src="{}" width="240" height="{}" alt="The first page of the paper">', url, height
        )

    @admin.display(description="file")
    def current_file(self, document):
        url = reverse("admin:documents_document_file", args=[document.pk])
        return format_html(
            '<a href="{}">{}</a> (staff download, not counted)', url, Path(document.file.name).name
        )

    @admin.display(description="size", ordering="size")
    def size_label(self, document):
        return document.size_label if document.pk else "—"

    @admin.display(description="visibility", ordering="visibility")
    def visibility_label(self, document):
        return document.get_visibility_display().partition(":")[0]

    @admin.display(description="used in")
    def used_in(self, document):
        posts = [attachment.post for attachment in document.first_attachments]
        more = getattr(document, "attachment_total", len(posts)) - len(posts)
        if more > 0:
            return format_html("{} and {} more", _post_links(posts), more)
        return _post_links(posts) or "—"

    @admin.display(description="what is missing")
    def accessibility_check(self, document):
        if not document.accessibility:
            return "Not checked: only PDFs are checked."
        if not document.accessibility_problems:
            return "No problems found."
        items = format_html_join("", "<li>{}</li>", ((p,) for p in document.accessibility_problems))
        return format_html("<ul>{}</ul>", items)

    @admin.display(description="downloads per day")
    def downloads_chart(self, document):
        return downloads_chart(document)


def _used_in_context(documents) -> dict:
    """For the delete confirmation: the posts that will lose the papers, and links to them."""
    posts = _posts_using(documents)
    return {"used_in": posts, "used_in_links": _post_links(posts)}


def _posts_using(documents) -> list:
    """The posts the papers are attached to, each once, in the order first found."""
    documents = list(documents)
    prefetch_related_objects(documents, "attachments__post")
    posts: dict[int, Model] = {}
    for document in documents:
        for attachment in document.attachments.all():
            posts.setdefault(attachment.post_id, attachment.post)
    return list(posts.values())


def _post_links(posts) -> str:
    """Links to each post's admin page, named from the post's own model (no app name here)."""
    links = (
        # admin_urlname() takes any str; the stubs ask for the SafeString a template passes.
        (reverse(admin_urlname(post._meta, "change"), args=[post.pk]), post)  # type: ignore[arg-type]
        for post in posts
    )
    return format_html_join(", ", '<a href="{}">{}</a>', links)
