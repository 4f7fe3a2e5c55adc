"""The old site's addresses, and the new ones they answer with a permanent redirect.

Every form a WordPress site may have used for a post is kept, whatever its permalink setting
was: the exact `<link>` of the export, `/YYYY/MM/DD/slug/`, `/YYYY/MM/slug/`, `/slug/` and
`/?p=ID`; `/category/slug/`, `/tag/slug/` and the feeds go to their counterparts here.
"""

from datetime import datetime
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse

from documents.models import Document
from news.models import Post
from wordpress.models import LegacyAddress

# Query parameters WordPress answers at its front page: /?p=12, /?page_id=3, /?cat=4...
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "feed")


def path_of(url: str) -> str:
    """A link's decoded path with its query, WordPress's only meaningful one kept."""
    parts = urlsplit(url)
    path = unquote(parts.path) or "/"
    query = [(key, value) for key, value in parse_qsl(parts.query) if key in QUERY_KEYS]
    return f"{path}?{urlencode(query[:1])}" if query else path


def site_prefix(blog_url: str) -> str:
    """ "/blog" for a WordPress installed at example.org/blog, "" at the root."""
    return unquote(urlsplit(blog_url).path).rstrip("/")


def post_paths(
    *, link: str, prefix: str, wp_id: str, slug: str, date: datetime | None, is_page: bool
) -> list[str]:
    """Every address the old site may have given this post or page."""
    paths = [path_of(link)] if link else []
    slug = unquote(slug)
    if slug:
        paths.append(f"{prefix}/{slug}/")
        if date and not is_page:
            paths.append(f"{prefix}/{date:%Y/%m/%d}/{slug}/")
            paths.append(f"{prefix}/{date:%Y/%m}/{slug}/")
    paths.append(f"{prefix}/?{'page_id' if is_page else 'p'}={wp_id}")
    if is_page:
        paths.append(f"{prefix}/?p={wp_id}")
    return list(dict.fromkeys(paths))


def remember_post(post: Post, paths: list[str]) -> None:
    """Point `paths` at `post` (a new post's are written with its batch: posts.finish_batch)."""
    _remember(paths, {"post": post})


def remember_target(paths: list[str], target: str) -> None:
    _remember(paths, {"target": target})


def remember_paper(paths: list[str], document: Document, *, download: bool) -> None:
    _remember(paths, {"document": document, "download": download})


def _remember(paths: list[str], leads_to: dict) -> None:
    """Point `paths` at what `leads_to` names (target, post, document, download)."""
    values = {"post": None, "document": None, "target": "", "download": False, **leads_to}
    paths = [path[:500] for path in paths if path.rstrip("/")]  # the front page stays ours
    existing = {row.path: row for row in LegacyAddress.objects.filter(path__in=paths)}
    LegacyAddress.objects.bulk_create(
        [LegacyAddress(path=path, **values) for path in paths if path not in existing]
    )
    for row in existing.values():
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))


def category_paths(prefix: str, trail: list[str]) -> list[str]:
    """A category's address, with its parents' slugs (as WordPress gives it) and without."""
    forms = ["/".join(unquote(slug) for slug in trail), unquote(trail[-1])]
    return [f"{prefix}/category/{form}/" for form in dict.fromkeys(forms)]


def category_feed_paths(prefix: str, trail: list[str]) -> list[str]:
    return [f"{path}feed/" for path in category_paths(prefix, trail)]


def tag_paths(prefix: str, slug: str) -> list[str]:
    return [f"{prefix}/tag/{unquote(slug)}/"]


def remember_feeds(prefix: str) -> None:
    """The old site's feeds answer with the new ones (RSS 2.0 and Atom)."""
    rss, atom = reverse("news:rss"), reverse("news:atom")
    remember_target(
        [
            f"{prefix}/feed/",
            f"{prefix}/feed/rss2/",
            f"{prefix}/?feed=rss2",
            f"{prefix}/rss/",
            f"{prefix}/feed/rss/",
        ],
        rss,
    )
    remember_target([f"{prefix}/feed/atom/", f"{prefix}/?feed=atom"], atom)


def candidates(path: str, query: dict[str, str]) -> list[str]:
    """The stored forms a request for `path` (decoded) with `query` may match, best first."""
    keys = [f"{path}?{urlencode({key: query[key]})}" for key in QUERY_KEYS if query.get(key)]
    if keys:
        return keys[:1]
    forms = [path, path + "/" if not path.endswith("/") else path.rstrip("/")]
    return [form for form in forms if form]


def destination(forms: list[str]) -> str | None:
    """The new address of the first of `forms` the old site had; None if none."""
    if not forms:
        return None
    order = Case(
        *(When(path=form, then=Value(i)) for i, form in enumerate(forms)),
        output_field=IntegerField(),
    )
    rows = (
        LegacyAddress.objects.filter(path__in=forms)
        .select_related("post", "document")
        .order_by(order)
    )
    return next((row.destination for row in rows[:1]), None)
