from django.contrib.sitemaps import Sitemap

from documents.models import Document


class DocumentSitemap(Sitemap):
    """Papers anonymous visitors may download, at their download addresses."""

    def items(self):
        return Document.objects.public().only("pk", "updated_at")

    def lastmod(self, document):
        return document.updated_at
