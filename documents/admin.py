from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django import forms
from django.contrib import admin
from django.contrib.admin.actions import delete_selected as confirm_and_delete
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join

from documents.ingest import check_upload, find_preview, ingest_upload, replace_file
from documents.models import Document, DocumentVersion
from documents.validators import enabled_formats

CHART_DAYS = 90
CHART_BAR_WIDTH, CHART_HEIGHT = 6, 80


class DocumentForm(forms.ModelForm):
    """The file is checked here by its content, so a refusal shows next to the field.

    It stands in for the model's file field (DocumentAdmin.exclude): that field's name-based
    check would refuse the Office formats settings may allow, and the ingest service stores
    the file itself.
    """

    file = forms.FileField(label="File")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formats = enabled_formats()
        self.fields["file"].help_text = (
            f"A {' or '.join(f.file_type for f in formats)} file. Its content is checked, not "
            "only its name. Leave the title blank to use the title inside the PDF."
        )
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{f.extension}" for f in formats)
        if self.instance.pk:
            self.fields["file"].required = False
            self.fields["file"].label = "Upload a new version"
            self.fields["file"].help_text = (
                "Leave empty to keep the current file. A new file keeps the paper's address; "
                "the current one is kept below as an earlier version."
            )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload, replacing=self.instance if self.instance.pk else None)
        return upload


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ["version_file", "size_label", "page_count", "uploaded_at", "uploaded_by"]
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


@dataclass
class Bar:
    day: date
    count: int
    x: int
    y: int
    height: int


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentForm
    exclude = ["file"]  # the form's own file field replaces it
    inlines = [DocumentVersionInline]
    list_display = [
        "thumbnail",
        "title",
        "page_count",
        "size_label",
        "download_count",
        "visibility_label",
        "used_in",
        "uploaded_at",
    ]
    list_display_links = ["title"]
    list_filter = ["visibility", "file_type", "uploaded_at"]
    search_fields = ["title", "description", "text"]
    date_hierarchy = "uploaded_at"
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
    add_fieldsets = [(None, {"fields": ["title", "description", "visibility", "file"]})]
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
        return queryset.select_related("uploaded_by").prefetch_related("attachments__post")

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("file")
        if upload and change:
            replace_file(obj, upload, by=request.user)
            self.message_user(request, "The previous file is kept as an earlier version.")
        elif upload:
            ingest_upload(obj, upload, by=request.user)
        else:
            obj.save()

    def delete_queryset(self, request, queryset):
        # One by one, so each paper's files leave the disk with its row.
        for document in queryset:
            document.delete()

    # --- Deleting a paper still attached to posts -------------------------------------------

    def render_delete_form(self, request, context):
        context["used_in"] = _posts_using([context["object"]])
        return super().render_delete_form(request, context)

    @admin.action(description="Delete selected papers", permissions=["delete"])
    def delete_selected(self, request, queryset):
        response = confirm_and_delete(self, request, queryset)
        if response is not None:  # the confirmation page, still to be rendered
            response.context_data["used_in"] = _posts_using(queryset)
            response.context_data["several"] = True
        return response

    # --- Columns and read-only fields -------------------------------------------------------

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
        posts = [attachment.post for attachment in document.attachments.all()]
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
        today = timezone.localdate()
        start = today - timedelta(days=CHART_DAYS - 1)
        days = document.download_days.filter(day__gte=start, day__lte=today)
        counts = dict(days.values_list("day", "count"))
        highest = max(counts.values(), default=0)
        bars = [_bar(day, count, start, highest) for day, count in sorted(counts.items()) if count]
        context = {
            "bars": bars,
            "recent": sum(counts.values()),
            "total": document.download_count,
            "days": CHART_DAYS,
            "start": start,
            "end": today,
            "width": CHART_DAYS * CHART_BAR_WIDTH,
            "height": CHART_HEIGHT,
            "bar_width": CHART_BAR_WIDTH - 1,
        }
        return render_to_string("admin/documents/document/_downloads_chart.html", context)

    # --- Staff-only file views: not counted as downloads, and staff-only papers too ---------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/<int:width>/",
                view(self.preview_view),
                name="documents_document_preview",
            ),
            path("<int:pk>/file/", view(self.file_view), name="documents_document_file"),
            path(
                "<int:pk>/versions/<int:version_pk>/file/",
                view(self.version_file_view),
                name="documents_document_version_file",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk, width):
        document = self._viewable(request, pk)
        preview = find_preview(document, width) or _not_found()
        file = document.file.storage.open(preview["name"], "rb")
        return _private(FileResponse(file, content_type="image/webp"))

    def file_view(self, request, pk):
        document = self._viewable(request, pk)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.download_filename,
            content_type=document.content_type,
        )
        return _private(response)

    def version_file_view(self, request, pk, version_pk):
        document = self._viewable(request, pk)
        version = document.versions.filter(pk=version_pk).first() or _not_found()
        suffix = Path(version.file.name).suffix
        stem = Path(document.download_filename).stem
        filename = f"{stem} (version of {version.uploaded_at:%Y-%m-%d}){suffix}"
        response = FileResponse(version.file.open("rb"), as_attachment=True, filename=filename)
        return _private(response)

    def _viewable(self, request, pk) -> Document:
        document = self.get_object(request, str(pk))
        if document is None or not self.has_view_permission(request, document):
            raise Http404("No such paper.")
        return document


def _bar(day: date, count: int, start: date, highest: int) -> Bar:
    height = max(1, round(count / highest * CHART_HEIGHT))  # a single download still shows
    return Bar(day, count, (day - start).days * CHART_BAR_WIDTH, CHART_HEIGHT - height, height)


def _posts_using(documents) -> list:
    """The posts the papers are attached to, each once, in the order first found."""
    documents = list(documents)
    prefetch_related_objects(documents, "attachments__post")
    posts = {}
    for document in documents:
        for attachment in document.attachments.all():
            posts.setdefault(attachment.post_id, attachment.post)
    return list(posts.values())


def _post_links(posts) -> str:
    links = ((reverse("admin:news_post_change", args=[post.pk]), post) for post in posts)
    return format_html_join(", ", '<a href="{}">{}</a>', links)


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _not_found():
    raise Http404("No such file.")
