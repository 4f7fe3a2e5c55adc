from django.urls import path, register_converter

from documents import views
from documents.converters import PreviewFormatConverter

register_converter(PreviewFormatConverter, "preview_format")

app_name = "documents"

urlpatterns = [
    path("", views.LibraryView.as_view(), name="library"),
    # Before the page's pattern, whose slug would otherwise match "download".
    path("<int:pk>/download/", views.DocumentDownloadView.as_view(), name="download"),
    path(
        "<int:pk>/preview/<int:width>.<preview_format:image_format>",
        views.preview,
        name="preview",
    ),
    path("<int:pk>/<slug:slug>/", views.DocumentDetailView.as_view(), name="detail"),
]
