"""What search engines should crawl: published posts, the archives that list them, and papers.

/sitemap.xml is an index of pages of at most LIMIT addresses each (/sitemap-posts.xml?p=2...),
so a page costs the same at 100,000 posts as at 1,000 (one sitemap of everything was 900 KB
at 10,000 posts). Each section is paged in primary-key order, which needs no sort.
"""

from django.urls import reverse

from documents.sitemaps import DocumentSitemap, PagedSitemap
from news.models import Category, Post


class PostSitemap(PagedSitemap):
    def items(self):
        return Post.objects.published().only("slug", "published_at", "updated_at").order_by("pk")

    def lastmod(self, post):
        return post.last_modified


class ArchiveSitemap(PagedSitemap):
    """The home page, the news list, and each category, tag and year with published posts.

    No lastmod: an archive changes whenever any of its posts does. (Were every section dated,
    the sitemap view would date the whole sitemap by its newest entry, missing expired posts;
    news.freshness gives the sitemap's Last-Modified instead.)
    """

    changefreq = "daily"

    def items(self):
        published = Post.objects.published()
        categories = Category.objects.filter(posts__in=published).distinct()
        tags = published.used_tags().order_by("slug")
        years = published.datetimes("published_at", "year")
        return [
            reverse("news:home"),
            reverse("news:post_list"),
            *(category.get_absolute_url() for category in categories),
            *(reverse("news:tag", kwargs={"slug": tag.slug}) for tag in tags),
            *(reverse("news:year", kwargs={"year": year.year}) for year in years),
        ]

    def location(self, url):
        return url


# Classes, not instances: the sitemap view makes one per request (they keep per-request state).
sitemaps = {"posts": PostSitemap, "archives": ArchiveSitemap, "papers": DocumentSitemap}
