from django.conf import settings

# The main navigation's items that name the page they lead to: (view name, its slug or None).
_NAVIGATION = {
    ("news:home", None): "home",
    ("news:category", "news"): "news",
    ("news:category", "events"): "events",
    ("documents:library", None): "papers",
    ("news:search", None): "search",
}


def site(request):
    """The organisation's name and tagline, for the header and page titles, and which item of
    the main navigation is the page shown (marked aria-current): one word, so the header is
    one kept fragment per item (news/content_cache.py), not one per page."""
    match = getattr(request, "resolver_match", None)
    current = ""
    if match is not None:
        current = _NAVIGATION.get((match.view_name, match.kwargs.get("slug")), "")
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "nav_current": current,
    }
