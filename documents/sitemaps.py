from django.contrib.sitemaps import Sitemap

from documents.models import Document


class DocumentSitemap(Sitemap):
    """The pages of papers anyone may find (not their downloads: a page says what a paper is)."""

    def items(self):
        return Document.objects.public().only("pk", "slug", "updated_at")

    def lastmod(self, document):
        return document.updated_at
