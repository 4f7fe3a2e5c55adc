"""The visitor's side of papers: the "Papers" library, each paper's page, its first-page image
and its download.

Each view finds papers through `Document.objects.visible_to()`, so a paper the visitor may
not have is 404, as one that does not exist.
"""

from django.conf import settings
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag, urlencode
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from documents import counting, full_text, search_query
from documents.accessibility import accessible_format_mailto
from documents.downloads import Download
from documents.models import Document
from documents.previews import PREVIEW_TYPES, preview_images, preview_version, stored_preview

# Each way the library can be sorted: its label and ordering. The first is the default.
SORTS: dict[str, tuple[str, list[str | Combinable]]] = {
    "newest": ("Newest first", ["-uploaded_at", "-pk"]),
    # Lower() so SQLite and PostgreSQL agree, whatever the database's collation.
    "title": ("Title (A to Z)", [Lower("title"), "pk"]),
    "downloads": ("Most downloaded", ["-download_count", "-uploaded_at", "-pk"]),
}
DEFAULT_SORT = next(iter(SORTS))

HOUR = 60 * 60


class LibraryView(ListView):
    """The public "Papers" library: public papers, searchable, sortable and paginated."""

    template_name = "documents/library.html"
    context_object_name = "documents"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.query = search_query.tidy(request.GET.get("q", ""))
        sort = request.GET.get("sort", DEFAULT_SORT)
        self.sort = sort if sort in SORTS else DEFAULT_SORT
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        documents = Document.objects.public()
        if terms := self.query.split()[: search_query.MAX_TERMS]:
            # Through the full-text index, stemmed: "supporting" finds "support".
            documents = full_text.matching(documents, terms, search_query.PAPERS)
        # The text inside a paper can run to megabytes: searched by the database, never loaded.
        return documents.defer("text").order_by(*SORTS[self.sort][1])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        canonical = {"q": self.query} if self.query else {}
        if self.sort != DEFAULT_SORT:
            canonical["sort"] = self.sort
        if page.number > 1:
            canonical["page"] = page.number
        context.update(
            query=self.query,
            sort=self.sort,
            sorts=[(value, label) for value, (label, _) in SORTS.items()],
            page_range=page.paginator.get_elided_page_range(page.number),
            canonical_query=urlencode(canonical),
            max_query_length=search_query.MAX_QUERY_LENGTH,
        )
        return context


class DocumentDetailView(DetailView):
    """One paper's page: what it is, where it was published, before downloading it.

    Staff who manage papers may open any paper, told when the public cannot; an address
    with an outdated slug answers with a permanent redirect to the current one.
    """

    template_name = "documents/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return (
            Document.objects.visible_to(self.request.user)
            .with_is_public()
            .defer("text")  # never shown here, and possibly megabytes long
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if kwargs["slug"] != (self.object.slug or "paper"):
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        document = self.object
        return super().get_context_data(
            used_in=document.published_posts(),
            preview=preview_images(document),
            accessible_format_mailto=accessible_format_mailto(document.title),
            accessible_format_email=settings.DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL,
            **kwargs,
        )


@require_safe
def preview(request, pk: int, width: int, image_format: str):
    """A paper's first page as an image, at one of the widths stored when it was uploaded.

    Served to whoever may see the paper. The page links each image with ?v=<version>, so a
    replaced file gets new addresses and the old images may be cached for a year.
    """
    visible = Document.objects.visible_to(request.user).with_is_public()
    document = get_object_or_404(visible.only("previews", "sha256", "file_updated_at"), pk=pk)
    stored = stored_preview(document, width, image_format)
    if stored is None:
        raise Http404("No preview at that width")
    version = preview_version(document)
    etag = quote_etag(f"{version}-{width}-{image_format}")
    response: HttpResponseBase | None = get_conditional_response(request, etag=etag)
    if response is None:
        storage = Document._meta.get_field("file").storage
        try:
            image = storage.open(stored["name"], "rb")
        except FileNotFoundError:
            raise Http404("The preview's file is missing") from None
        response = FileResponse(image, content_type=PREVIEW_TYPES[image_format])
    response["ETag"] = etag
    versioned = request.GET.get("v") == version
    # Not "immutable" for a year: a paper made staff-only must leave shared caches soon.
    cache = {"max_age": settings.PUBLIC_CACHE_SECONDS if versioned else HOUR}
    # A paper the public may not see yet (staff-only, or waiting for its post): only the
    # browser of the staff member looking may keep its image, never a shared cache.
    cache["public" if document.is_public else "private"] = True
    patch_cache_control(response, **cache)
    return response


class DocumentDownloadView(View):
    """Serve a paper's bytes to those allowed to see it, and count each visitor's download.

    Anyone else gets 404, as for a paper that does not exist. What the request gets (304,
    206, HEAD...) and whether it counts is decided in documents.downloads.
    """

    http_method_names = ["get", "head"]

    def get_document(self) -> Document:
        document = Document.objects.for_download(self.request.user, self.kwargs["pk"])
        if document is None:
            raise Http404("No paper here")
        return document

    def get(self, request, pk):
        document = self.get_document()
        download = Download.for_request(request, document)
        response = download.response()
        if download.counts:
            counting.record(document)
        return response

    # The same answer without a body; Download neither reads the file nor counts it.
    head = get
