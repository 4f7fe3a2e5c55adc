from django.contrib.sitemaps import Sitemap

from documents.models import Document

# Addresses on one page of the sitemap: a page as quick to make at 100,000 posts as at 1,000.
LIMIT = 1_000


class PagedSitemap(Sitemap):
    """A section of the sitemap index, in pages of LIMIT addresses (the sitemap view pages it)."""

    limit = LIMIT

    def get_latest_lastmod(self):
        # Django would otherwise date the section in the index by reading every one of its
        # items; the index's own Last-Modified comes from the content stamp instead.
        return None

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        # Dated by its newest item, a page would answer "not modified" after a post on it
        # expired; without this, the view's Last-Modified is the site's (news.freshness).
        self.latest_lastmod = None
        return urls


class DocumentSitemap(PagedSitemap):
    """The pages of papers anyone may find (not their downloads: a page says what a paper is)."""

    def items(self):
        return Document.objects.public().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, document):
        return document.updated_at
