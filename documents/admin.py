from django.contrib import admin

from documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "size_label", "download_count", "uploaded_at"]
    search_fields = ["title", "description", "file"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["size_label", "download_count", "uploaded_at", "updated_at"]
    fields = [
        "title",
        "description",
        "file",
        "size_label",
        "download_count",
        "uploaded_at",
        "updated_at",
    ]

    @admin.display(description="size", ordering="size")
    def size_label(self, document):
        return document.size_label if document.pk else "—"

    def delete_queryset(self, request, queryset):
        # One by one, so each paper's file leaves the disk with its row.
        for document in queryset:
            document.delete()
