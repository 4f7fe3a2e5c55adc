"""The visitor's side of papers: the "Papers" library, each paper's page and its preview image."""

from urllib.parse import quote

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag, urlencode
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from documents.models import Document

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8

# Each way the library can be sorted: its label and ordering. The first is the default.
SORTS = {
    "newest": ("Newest first", ["-uploaded_at", "-pk"]),
    # Lower() so SQLite and PostgreSQL agree, whatever the database's collation.
    "title": ("Title (A to Z)", [Lower("title"), "pk"]),
    "downloads": ("Most downloaded", ["-download_count", "-uploaded_at", "-pk"]),
}
DEFAULT_SORT = next(iter(SORTS))

PREVIEW_TYPES = {"webp": "image/webp", "png": "image/png"}
YEAR = 365 * 24 * 60 * 60
HOUR = 60 * 60


def _matching(documents, query: str):
    """Papers holding every word of `query` in their title, description or text."""
    for word in query.split()[:MAX_TERMS]:
        documents = documents.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(text__icontains=word)
        )
    return documents


class LibraryView(ListView):
    """The public "Papers" library: public papers, searchable, sortable and paginated."""

    template_name = "documents/library.html"
    context_object_name = "documents"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
        sort = request.GET.get("sort", DEFAULT_SORT)
        self.sort = sort if sort in SORTS else DEFAULT_SORT
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        documents = _matching(Document.objects.public(), self.query)
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
        )
        return context


def posts_using(document: Document) -> list:
    """The published posts carrying `document`, from the app that publishes posts.

    settings.DOCUMENTS_USED_IN names a function taking paper ids and returning {id: posts},
    each post with a title, published_at and get_absolute_url(); this app knows no more of
    posts than that.
    """
    hook = getattr(settings, "DOCUMENTS_USED_IN", None)
    return import_string(hook)([document.pk]).get(document.pk, []) if hook else []


def preview_version(document: Document) -> str:
    """Changes whenever the file, and so its first-page images, change."""
    return document.sha256[:16] or f"{document.file_updated_at.timestamp():.0f}"


def preview_images(document: Document) -> dict | None:
    """The first-page images as the page's <picture> needs them, or None without any.

    PNG, where there is one, is the fallback <img> and WebP the <source>; each list is
    smallest first, and the smallest gives the <img> its src and proportions.
    """
    version = preview_version(document)
    by_type = {}
    for preview in sorted(document.previews, key=lambda preview: preview["width"]):
        extension = preview["name"].rsplit(".", 1)[-1].lower()
        if extension in PREVIEW_TYPES:
            url = reverse(
                "documents:preview",
                kwargs={"pk": document.pk, "width": preview["width"], "image_format": extension},
            )
            by_type.setdefault(extension, []).append({**preview, "url": f"{url}?v={version}"})
    if not by_type:
        return None
    fallback = by_type.get("png") or by_type["webp"]
    return {
        "img": fallback[0],
        "srcset": ", ".join(f"{image['url']} {image['width']}w" for image in fallback),
        "webp_srcset": ", ".join(f"{image['url']} {image['width']}w" for image in by_type["webp"])
        if "png" in by_type and "webp" in by_type
        else "",
    }


def accessible_format_mailto(document: Document) -> str:
    """A mailto: link asking for the paper in another format, or "" when nobody is named."""
    email = settings.DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL
    if not email:
        return ""
    return f"mailto:{email}?subject={quote(f'Accessible format: {document.title}', safe='')}"


class DocumentDetailView(DetailView):
    """One paper's page: what it is, where it was published, before downloading it.

    Staff who manage papers may open any paper, told when the public cannot; an address
    with an outdated slug answers with a permanent redirect to the current one.
    """

    template_name = "documents/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        is_public = Exists(Document.objects.public().filter(pk=OuterRef("pk")))
        return (
            Document.objects.visible_to(self.request.user)
            .annotate(is_public=is_public)
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
            used_in=posts_using(document),
            preview=preview_images(document),
            accessible_format_mailto=accessible_format_mailto(document),
            accessible_format_email=settings.DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL,
            **kwargs,
        )


@require_safe
def preview(request, pk: int, width: int, image_format: str):
    """A paper's first page as an image, at one of the widths stored when it was uploaded.

    Served to whoever may see the paper. The page links each image with ?v=<version>, so a
    replaced file gets new addresses and the old images may be cached for a year.
    """
    visible = Document.objects.visible_to(request.user)
    document = get_object_or_404(visible.only("previews", "sha256", "file_updated_at"), pk=pk)
    stored = next(
        (
            image
            for image in document.previews
            if image["width"] == width and image["name"].lower().endswith(f".{image_format}")
        ),
        None,
    )
    if stored is None:
        raise Http404("No preview at that width")
    version = preview_version(document)
    etag = quote_etag(f"{version}-{width}-{image_format}")
    response = get_conditional_response(request, etag=etag)
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
    # Signed in, this may be a paper the public must not see: only that browser may keep it.
    cache["private" if request.user.is_authenticated else "public"] = True
    patch_cache_control(response, **cache)
    return response
