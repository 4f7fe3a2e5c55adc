from django.urls import path, register_converter

from documents.library import PREVIEW_TYPES, DocumentDetailView, LibraryView, preview
from documents.views import DocumentDownloadView


class PreviewFormatConverter:
    """The file types first-page images are stored as: "webp" or "png"."""

    regex = "|".join(PREVIEW_TYPES)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PreviewFormatConverter, "preview_format")

app_name = "documents"

urlpatterns = [
    path("", LibraryView.as_view(), name="library"),
    # Before the page's pattern, whose slug would otherwise match "download".
    path("<int:pk>/download/", DocumentDownloadView.as_view(), name="download"),
    path("<int:pk>/preview/<int:width>.<preview_format:image_format>", preview, name="preview"),
    path("<int:pk>/<slug:slug>/", DocumentDetailView.as_view(), name="detail"),
]
