from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views import View

from documents.models import Document


class DocumentDownloadView(View):
    """Serve a paper's bytes to those allowed to see it, and count each download."""

    http_method_names = ["get", "head"]

    def get_document(self) -> Document:
        visible = Document.objects.visible_to(self.request.user)
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get(self, request, pk):
        document = self.get_document()
        # FileResponse streams from disk in chunks and sets Content-Length and a safe
        # Content-Disposition (with filename* for titles that are not plain ASCII).
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.download_filename,
            content_type="application/pdf",
        )
        document.record_download()
        return self.finish(response)

    def head(self, request, pk):
        """The same headers as a download, without the body and without counting."""
        document = self.get_document()
        response = HttpResponse(content_type="application/pdf")
        response["Content-Length"] = str(document.size)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=document.download_filename
        )
        return self.finish(response)

    def finish(self, response):
        # Every download must reach us to be counted, and a staff-only copy must stay private.
        patch_cache_control(response, private=True, no_cache=True)
        return response
