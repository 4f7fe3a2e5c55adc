"""What a page may keep while public content stays as it is: the parts of it that are the same
for every visitor (the {% fragment %} tag, news/templatetags/fragments.py) and what it looks
up for them (remembered), so a visitor whose page cannot come whole from the page cache
(imroc_site/page_cache.py: they send a cookie) still costs little more than what is theirs.

Everything is kept under news.freshness.content_key: a save anywhere, or a moment a post appears,
expires or its event ends, moves the key, so a change shows on the very next request, from
every app server. FRAGMENT_CACHE_SECONDS bounds how long an entry lives besides (0: nothing is
kept, every page is rendered whole).

Only for people who are not signed in: a member of staff may see drafts, replies waiting for
a moderator and buttons of their own, so their pages are always rendered whole, and never
written to what visitors get. What else is personal (a visitor's own reply awaiting
moderation, their remembered name in the reply form) each template leaves outside its
fragments, or names in the fragment's condition.
"""

import hashlib

from django.conf import settings

from freshness import kept
from freshness.release import release
from news.freshness import content_key


def shared_with_visitors(request) -> bool:
    """Whether this request may read and write what every visitor shares (not one refused
    before anyone was told apart: an error page drawn before the authentication middleware)."""
    user = getattr(request, "user", None)
    return settings.FRAGMENT_CACHE_SECONDS > 0 and user is not None and not user.is_authenticated


def remembered(request, kind: str, *parts, compute):
    """compute(), kept for every visitor under the content as it is; computed afresh for
    signed-in people. An exception (a 404) is raised again each time, never kept."""
    if not shared_with_visitors(request):
        return compute()
    return _kept_under(content_key(request, kind, *parts), compute)


def kept_for_everyone(kind: str, *parts, compute):
    """compute(), kept under the content as it is, for what shows nothing of whoever asks
    (the sitemap's archives: a public list, asked without a request). Only what depends on
    public content alone may be kept here."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return compute()
    return _kept_under(content_key(None, kind, *parts), compute)


def _kept_under(key: str, compute):
    value = kept.read(key)
    if value is None:
        value = compute()
        kept.keep(key, value, settings.FRAGMENT_CACHE_SECONDS)
    return value


def fragment(request, name: str, vary_on: tuple, render, *, sitewide: bool = False) -> str:
    """render(): a part of a page, kept for every visitor per address and `vary_on` under the
    content as it is. The whole address: a fragment may hold absolute links, or links that keep
    the rest of the query ({% querystring %}).

    A `sitewide` one (the site's header) shows no content and is the same on every page of the
    host but for `vary_on`: kept for its lifetime, without reading the stamp, so a page that
    shows no content (a preview, an error) asks nothing more of the database for it."""
    if not shared_with_visitors(request):
        return render()
    host = f"{request.scheme}://{request.get_host()}"
    if sitewide:
        parts = (release(), host, *vary_on)
        key = f"fragment:{name}:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    else:
        key = content_key(request, "fragment", name, host + request.get_full_path(), *vary_on)
    html = kept.read(key)
    if html is None:
        html = render()
        kept.keep(key, html, settings.FRAGMENT_CACHE_SECONDS)
    return html
