from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers


class SharedCacheMiddleware:
    """Let shared HTTP caches keep public pages that every cookieless visitor sees alike.

    A visitor without cookies gets the same bytes as any other, so such a page may be cached
    publicly for a short while. A visitor with a cookie (staff, or someone with a reply awaiting
    moderation) may see something of their own, so their copy is private. Views that decide
    for themselves (the admin, downloads, `never_cache`) keep their own Cache-Control.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        patch_vary_headers(response, ["Cookie"])
        if request.COOKIES or response.cookies or response.status_code >= 500:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response
