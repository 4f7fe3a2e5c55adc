from django.shortcuts import get_object_or_404
from django.views import View

from documents.downloads import Download
from documents.models import Document


class DocumentDownloadView(View):
    """Serve a paper's bytes to those allowed to see it, and count each visitor's download.

    Anyone else gets 404, as for a paper that does not exist. What the request gets (304,
    206, HEAD...) and whether it counts is decided in documents.downloads.
    """

    http_method_names = ["get", "head"]

    def get_document(self) -> Document:
        visible = Document.objects.visible_to(self.request.user)
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get(self, request, pk):
        document = self.get_document()
        download = Download.for_request(request, document)
        response = download.response()
        if download.counts:
            document.record_download()
        return response

    # The same answer without a body; Download neither reads the file nor counts it.
    head = get
