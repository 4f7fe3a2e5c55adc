"""Whole pages kept for visitors without cookies, until anything public changes.

Every visitor without cookies gets the same bytes (SharedCacheMiddleware's rule, which is what
lets a shared HTTP cache keep them), so the app can keep them too: a page is rendered once and
served again from the cache (Django's default cache: the process's memory, or Redis shared by
every app server when REDIS_URL is set) until content changes. The key
(news.freshness.content_key) holds news.freshness.content_last_modified(), which moves on
every save and delete anywhere and at each moment a post appears, expires or its event ends,
so a change shows on the very next request, from every server. PAGE_CACHE_SECONDS bounds how
long an entry lives besides (what depends on the clock alone, such as the reply form's rounded
time, moves on within it).

Only what SharedCacheMiddleware, just outside it, makes public is kept: a 200 page that sets
no cookie and whose view chose no Cache-Control of its own (never a private or no-store page,
an error, a download, an image). SharedCacheMiddleware then gives each answer, kept or not,
its caching headers afresh (the shared cache's lifetime counts from now). Requests with any
cookie (staff, a visitor with a reply awaiting moderation) never read it or write to it.

A path whose view answered with caching of its own choosing (a paper's download, its preview
image, a post's picture, a preview link) is remembered by the process and passed straight to
its view from then on: it will never be kept, so reading the content stamp and the cache for it
was a tenth of a download's CPU. Only performance rides on this memory: a path wrongly in it is
rendered, never served stale.
"""

from django.conf import settings
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from freshness import kept
from imroc_site.views import DATABASE_FAULTS
from news.freshness import content_key

# Pages are small; anything bigger (a sitemap of every post, a feed) is cheaper to redo than
# to copy in and out of the cache every time.
MAX_BYTES = 512 * 1024
# Paths remembered as answering with their own caching, per process; forgotten all at once
# when this many are (a site's papers and pictures fit; a crawler's made-up paths cannot grow it).
OWN_CACHING_AT_MOST = 10_000


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p)
        self.own_caching: set[str] = set()

    def __call__(self, request):
        if not self._may_use_cache(request) or request.path in self.own_caching:
            return self.get_response(request)
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        try:
            # The same reading the view's Last-Modified then gives (kept on the request).
            key = content_key(request, "page", address)
        except DATABASE_FAULTS:
            # The page's own view meets the fault too and answers 503 (DatabaseUnavailable).
            return self.get_response(request)
        page = kept.read(key)
        if page is not None:
            return self._conditional(request, page)
        response = self.get_response(request)
        if request.method == "GET" and self._may_keep(response):
            kept.keep(key, response, settings.PAGE_CACHE_SECONDS)
        elif response.status_code == 200 and response.has_header("Cache-Control"):
            self._remember_own_caching(request.path)
        return response

    def _remember_own_caching(self, path: str) -> None:
        if len(self.own_caching) >= OWN_CACHING_AT_MOST:
            self.own_caching.clear()
        self.own_caching.add(path)

    def _may_use_cache(self, request) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.COOKIES
            and "Authorization" not in request.headers
            and not request.path.startswith(self.skipped)
        )

    @staticmethod
    def _may_keep(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
            and len(response.content) <= MAX_BYTES
        )

    @staticmethod
    def _conditional(request, response):
        """The kept page, or 304 when the browser's copy is as new (as the view would answer)."""
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
