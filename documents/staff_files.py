"""Staff-only file views of the papers' admin: the current file, earlier versions, previews.

Served under the admin's URLs to whoever may view the paper there (staff-only papers too),
privately, and never counted as downloads (the public's download is documents.views).
"""

from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import FileResponse, Http404
from django.urls import path
from django.utils.cache import patch_cache_control

from documents.models import Document
from documents.previews import find_preview

# The ModelAdmin this is mixed into, for the type checker; nothing at run time.
if TYPE_CHECKING:
    _Base = admin.ModelAdmin[Document]
else:
    _Base = object


class StaffFileViews(_Base):
    """A ModelAdmin mixin adding the three file views and their admin URL names."""

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
        assert version.file.name is not None  # nosec B101 # required: every version has one
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


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _not_found():
    raise Http404("No such file.")
