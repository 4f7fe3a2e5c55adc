"""What search engines should crawl: published posts, the archives that list them, and papers.

/sitemap.xml is an index of pages of at most LIMIT addresses each (/sitemap-posts.xml?p=2...),
so a page costs the same at 100,000 posts as at 1,000 (one sitemap of everything was 900 KB
at 10,000 posts). Each section is paged in an order an index gives, which needs no sort.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from documents.sitemaps import DocumentSitemap, PagedSitemap
from news import content_cache
from news.kept_counts import KeptCountPaginator
from news.models import Category, Post


class KeptCountSitemap(PagedSitemap):
    """A section whose count of addresses (how many pages it has) is kept until content
    changes (news.kept_counts): the index asks every section's count on every request."""

    @property
    def paginator(self):
        # Django's own list of the section (with its languages), as its paginator reads it.
        return KeptCountPaginator(self._items(), self.limit)  # type: ignore[attr-defined]


class PostSitemap(KeptCountSitemap):
    def items(self):
        # Newest first, through the listing index: a page reads its own rows, not all of them.
        published = Post.objects.published().only("slug", "published_at", "updated_at")
        return published.order_by("-published_at", "-pk")

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
        # Kept until content changes: which tags have a published post is an EXISTS per tag
        # that PostgreSQL answers by reading every post of each tag (12 ms at 100,000 posts).
        return content_cache.kept_for_everyone("sitemap-archives", compute=self._addresses)

    @staticmethod
    def _addresses() -> list[str]:
        published = Post.objects.published()
        # Exists, not a join made distinct: each category stops at its first published post.
        categories = Category.objects.filter(Exists(published.filter(category=OuterRef("pk"))))
        tags = published.used_tags().order_by("slug")
        return [
            reverse("news:home"),
            reverse("news:post_list"),
            *(category.get_absolute_url() for category in categories),
            *(reverse("news:tag", kwargs={"slug": tag.slug}) for tag in tags),
            *(reverse("news:year", kwargs={"year": year}) for year in years_with_posts(published)),
        ]

    def location(self, url):
        return url


def years_with_posts(published) -> list[int]:
    """The years (in the site's time zone) with a post in `published`, in three queries.

    Not published.dates(): that truncates the date of every post (100,000 of them take
    seconds on SQLite). The first and the last post are found through the listing index,
    then each year between is asked whether it has one, all in one query.
    """
    by_date = published.order_by("published_at").values_list("published_at", flat=True)
    first, last = by_date.first(), by_date.last()
    if first is None or last is None:
        return []
    years = range(timezone.localtime(first).year, timezone.localtime(last).year + 1)

    def start(year: int) -> datetime:
        return timezone.make_aware(datetime(year, 1, 1))

    has_posts = {
        f"y{year}": Exists(
            published.filter(published_at__gte=start(year), published_at__lt=start(year + 1))
        )
        for year in years
    }
    found = Category.objects.annotate(**has_posts).values(*has_posts)[:1].get()
    return [year for year in years if found[f"y{year}"]]


class PaperSitemap(KeptCountSitemap, DocumentSitemap):
    """The papers' section, counted as the posts' is (a paper is public with its posts)."""


# Classes, not instances: the sitemap view makes one per request (they keep per-request state).
sitemaps = {"posts": PostSitemap, "archives": ArchiveSitemap, "papers": PaperSitemap}
