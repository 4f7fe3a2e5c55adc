"""WordPress categories and tags as the site's categories and tags.

The site files each post in one category and has no sub-categories: a post's first category
is its category here, the others become tags, and the tree is flattened (said in the summary).
An "Events" category is never guessed to be the site's events, whose posts need dates: it
goes where staff map it (`--category-map events=events`), else it is a tag on News posts.
"""

import contextlib
import html
from urllib.parse import unquote

from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from taggit.models import Tag

from news.models import EVENTS_SLUG, Category
from wordpress import identity
from wordpress.context import Run
from wordpress.redirects import category_feed_paths, category_paths, remember_target, tag_paths
from wordpress.summary import CREATED, UNCHANGED, Outcome
from wordpress.wxr import Term

DEFAULT_CATEGORY = "news"
# WordPress's catch-all: its posts go to the default category unless staff map it elsewhere.
UNCATEGORISED = {"uncategorized", "uncategorised"}


def import_term(run: Run, term: Term) -> Outcome:
    if term.kind == "tag":
        return _tag(run, term)
    return _category(run, term)


def _category(run: Run, term: Term) -> Outcome:
    name = f"“{term.name}” ({term.slug})"
    mapped = run.options.category_map.get(term.slug)
    if term.parent:
        run.summary.note(
            "Sub-categories were flattened: the site has no category tree "
            f"(“{term.name}” is a category of its own)."
        )
    if mapped:
        category, result = Category.objects.get(slug=mapped), UNCHANGED
    elif term.slug in UNCATEGORISED:
        category, result = Category.objects.get(slug=DEFAULT_CATEGORY), UNCHANGED
    elif slugify(term.slug) == EVENTS_SLUG:
        run.summary.note(
            f"The WordPress category “{term.name}” was not taken for the site's events (they "
            "need dates): its posts are in News with the tag "
            f"“{term.name}”. Map it with --category-map {term.slug}=events if they are events."
        )
        run.extra_tags[term.slug] = term.name
        category, result = Category.objects.get(slug=DEFAULT_CATEGORY), UNCHANGED
    else:
        category, result = _find_or_make(term)
    run.categories[term.slug] = category
    trail = _trail(run, term.slug)
    remember_target(category_paths(run.prefix, trail), category.get_absolute_url())
    feed = reverse("news:category_rss", kwargs={"slug": category.slug})
    remember_target(category_feed_paths(run.prefix, trail), feed)
    wp_id = term.wp_id or term.slug
    identity.remember(
        run,
        "category",
        wp_id,
        category,
        source_hash="",
        existing=identity.find(run, "category", wp_id),
    )
    return Outcome("category", result, name)


def _trail(run: Run, slug: str) -> list[str]:
    """The category's slug after its ancestors' (WordPress's address of a sub-category)."""
    trail = [slug]
    while (parent := run.category_parents.get(trail[0])) and parent not in trail:
        trail.insert(0, parent)
    return trail


def _find_or_make(term: Term) -> tuple[Category, str]:
    slug = slugify(term.slug) or slugify(term.name) or "category"
    if category := Category.objects.filter(slug=slug).first():
        return category, UNCHANGED
    if category := Category.objects.filter(name=term.name[:100]).first():
        return category, UNCHANGED
    return Category.objects.create(slug=slug[:100], name=term.name[:100] or slug), CREATED


def tag_named(name: str, slug_hint: str = "") -> tuple[Tag, str]:
    """The tag of this name, made with an ASCII slug if new: the site's tag addresses take no
    other (taggit would keep "bien-être", and its page could not be linked)."""
    name = name[:100]
    if tag := Tag.objects.filter(name=name).first():
        return tag, UNCHANGED
    base = slugify(unquote(slug_hint)) or slugify(name) or "tag"
    slug, number = base[:90], 1
    while Tag.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base[:90]}-{number}"
    return Tag.objects.create(name=name, slug=slug), CREATED


def category_for(run: Run, slug: str, name: str) -> Category:
    """The category here of a WordPress category an item names (made if the export's list of
    terms lacked it)."""
    if slug not in run.categories:
        import_term(run, Term("category", "", slug, name or slug))
    return run.categories[slug]


def _tag(run: Run, term: Term) -> Outcome:
    tag, result = tag_named(html.unescape(term.name) or term.slug, term.slug)
    run.tags[term.slug] = tag.name
    # A tag made before the import may have a slug beyond ASCII: no tag page to redirect to.
    with contextlib.suppress(NoReverseMatch):
        remember_target(tag_paths(run.prefix, term.slug), reverse("news:tag", args=[tag.slug]))
    return Outcome("tag", result, f"“{tag.name}”")
