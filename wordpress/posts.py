"""One WordPress post or page as a post here: made, updated, left alone, or reported.

Saved through news.services.save_post, as the admin saves a post, so its body is sanitised,
its image gets renditions and a changed slug keeps the old address.

Over 250 lines: a post's fields each need their own reading of WordPress (status, slug, dates,
category, tags, featured image), and the batch's shared look-ups and writes (prepare_batch,
finish_batch) belong with the one function that uses them.
"""

import html
from collections.abc import Iterator
from urllib.parse import unquote

from django.utils.text import slugify

from news.models import Attachment, Post, SlugRedirect, html_to_text
from news.services import save_post
from wordpress import bodies, identity
from wordpress.attachments import image_file, paper_for_link
from wordpress.context import Run, item_name, parse_date
from wordpress.discussion import import_comments
from wordpress.models import ImportedItem, LegacyAddress
from wordpress.pictures import is_picture_file, place_picture
from wordpress.redirects import post_paths, remember_post
from wordpress.summary import CREATED, EDITED_HERE, SKIPPED, UNCHANGED, UPDATED, Outcome
from wordpress.terms import category_for, tag_named
from wordpress.wxr import Item

# WordPress status → the site's. Private posts stay drafts: the site has no "only for
# signed-in readers", and a private post must not become public.
STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,  # with its date ahead: scheduled
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}


def import_post(run: Run, item: Item) -> Iterator[Outcome]:
    """The item's outcome, then its replies' outcomes. Runs inside the caller's transaction."""
    kind, name = item.post_type, item_name(item)
    if item.status not in STATUSES:
        yield Outcome(kind, SKIPPED, name, f"status “{item.status}”")
        return
    if kind == "page" and not run.options.pages_category:
        yield Outcome(kind, SKIPPED, name, "pages not imported (no --pages-category)")
        return
    record = run.records.get((kind, item.wp_id))
    post = run.posts.get(int(record.object_id)) if record else None
    if record and post is None:
        yield Outcome(kind, SKIPPED, name, "deleted here since the last import")
        return
    digest = item.digest()
    if post is None or record is None:
        post, result = Post(), CREATED
    elif record.source_hash == digest:
        result = UNCHANGED
    elif identity.post_hash(post) != record.local_hash:
        result = EDITED_HERE
    else:
        result = UPDATED
    if result in (CREATED, UPDATED):
        old_slug = post.slug or None
        papers = _fill(run, post, item)
        save_post(post, by=None, old_slug=old_slug)
        _follow(run, post, item, papers, is_new=result == CREATED)
        if record is None:
            identity.stage(
                run,
                kind,
                item.wp_id,
                post,
                source_hash=digest,
                local_hash=identity.post_hash(post),
                guid=item.guid,
            )
        else:
            identity.remember(
                run,
                kind,
                item.wp_id,
                post,
                source_hash=digest,
                local_hash=identity.post_hash(post),
                guid=item.guid,
                existing=record,
            )
        if result == CREATED:  # written with the batch (finish_batch)
            run.staged_addresses += [
                LegacyAddress(path=path[:500], post=post) for path in _paths(run, item)
            ]
        else:
            remember_post(post, _paths(run, item))
    reason = "changed here since the last import: not overwritten" if result == EDITED_HERE else ""
    yield Outcome(kind, result, name, reason)
    yield from import_comments(run, item, post, new_post=result == CREATED)


def _paths(run: Run, item: Item) -> list[str]:
    return post_paths(
        link=item.link,
        prefix=run.prefix,
        wp_id=item.wp_id,
        slug=item.slug,
        date=parse_date("", item.post_date),
        is_page=item.post_type == "page",
    )


def _fill(run: Run, post: Post, item: Item) -> list:
    """Set the post's fields from the item; return the papers its body links to."""
    papers: list = []

    def rewrite(href: str) -> tuple[str, str | None] | None:
        if is_picture_file(href):
            return "", None
        if not (found := paper_for_link(run, href)):
            return None
        document, is_file = found
        papers.append(document)
        if is_file:
            return document.get_download_url(), document.link_text
        return document.get_absolute_url(), None

    def place(src: str, alt: str) -> dict | None:
        return place_picture(run, item_name(item), src, alt)

    body = bodies.convert(item.content, rewrite_link=rewrite, place_image=place)
    post.title = html.unescape(item.title)[:255] or f"Untitled ({item.wp_id})"
    post.slug = _slug(run, post, item)
    post.body = body.html
    post.excerpt = html_to_text(item.excerpt)
    post.author = run.users.get(item.creator)
    post.category = _category(run, item)
    post.status = STATUSES[item.status]
    if item.password:
        # Shown in WordPress only to readers given the password: the site has no such thing.
        post.status = Post.Status.DRAFT
        run.summary.note(
            "Password-protected posts were imported as drafts: the site has no post passwords."
        )
    post.published_at = parse_date(item.post_date_gmt, item.post_date)
    post.comments_open = item.comment_status == "open"
    post.sticky = item.sticky  # WordPress's sticky_posts option, given per item as wp:is_sticky
    if item.status == "private":
        run.summary.note("Private posts were imported as drafts: the site has no private posts.")
    _featured_image(run, post, item)
    for dropped in body.dropped:
        run.summary.note(f"{item_name(item)}: {dropped} removed (the site has no such block).")
    return papers


def prepare_batch(run: Run, items: list[Item]) -> None:
    """Look up at once what each of these items would ask for alone: whether it was
    imported before (and its post), and whether its address is taken; three queries a batch."""
    ids = [item.wp_id for item in items]
    records = ImportedItem.objects.filter(
        source_site=run.source, kind__in=["post", "page"], wp_id__in=ids
    )
    run.records = {(record.kind, record.wp_id): record for record in records}
    run.posts = Post.objects.in_bulk([int(r.object_id) for r in run.records.values()])
    bases = [_slug_base(item) for item in items]
    run.slugs_taken = {
        *Post.objects.filter(slug__in=bases).values_list("slug", flat=True),
        *SlugRedirect.objects.filter(old_slug__in=bases).values_list("old_slug", flat=True),
    }


def finish_batch(run: Run) -> None:
    """Write what the batch's posts left to write together: their identities and their
    replies', their old addresses, their modified dates. Three queries a batch."""
    identity.flush(run)
    # The first item to claim an address keeps it (and the front page stays the site's).
    addresses = [row for row in run.staged_addresses if row.path.rstrip("/")]
    LegacyAddress.objects.bulk_create(addresses, ignore_conflicts=True)
    run.staged_addresses.clear()
    if run.modified:
        # bulk_update leaves updated_at as set: auto_now applies to save() only.
        Post.objects.bulk_update(run.modified, ["updated_at"])
        run.modified.clear()


def _slug_base(item: Item) -> str:
    base = slugify(unquote(item.slug)) or slugify(html.unescape(item.title)) or "post"
    if base.isdigit():
        base = f"post-{base}"  # digits alone would clash with the yearly archives
    return base[:240].strip("-")


def _slug(run: Run, post: Post, item: Item) -> str:
    base = _slug_base(item)
    if post.slug == base:
        return base
    candidate, number = base, 1
    # Free if no post had it when the batch began (prepare_batch) and none took it since.
    while candidate in run.slugs_taken and _taken(candidate, post):
        number += 1
        candidate = f"{base}-{number}"
    run.slugs_taken.add(candidate)
    return candidate


def _taken(slug: str, post: Post) -> bool:
    """Another post has this address, now or as an old one (which it would lose)."""
    others = Post.objects.exclude(pk=post.pk)
    now = others.filter(slug=slug).values("pk")
    before = SlugRedirect.objects.filter(old_slug=slug).exclude(post=post.pk).values("pk")
    return now.union(before).exists()


def _category(run: Run, item: Item):
    if item.post_type == "page":
        return run.pages_category
    for domain, slug, name in item.terms:
        if domain == "category" and slug not in run.extra_tags:
            return category_for(run, slug, name)
    return run.default_category


def _tags(run: Run, item: Item) -> list[str]:
    names, first_category = [], True
    for domain, slug, name in item.terms:
        if domain == "post_tag":
            names.append(run.tags.get(slug) or html.unescape(name))
        elif domain == "category":
            if slug in run.extra_tags:
                names.append(run.extra_tags[slug])
            elif first_category:
                first_category = False
            else:
                names.append(html.unescape(name))  # the site has one category per post
    # Each made first if new, with an ASCII slug (terms.tag_named).
    return [tag_named(name)[0].name for name in dict.fromkeys(names) if name]


def _featured_image(run: Run, post: Post, item: Item) -> None:
    """The item's featured image (`_thumbnail_id`); images in its body stay in its body."""
    if post.image:
        return
    source = run.attachments.get(item.meta.get("_thumbnail_id", ""))
    if not source:
        return
    url, alt = source.url, source.alt or source.title
    image, problem = image_file(run, url)
    if image is None:
        run.summary.note(f"{item_name(item)}: image not imported ({problem}).")
        return
    post.image = image  # a new upload, as the admin form gives
    post.image_alt = (html.unescape(alt) or post.title)[:255]


def _follow(run: Run, post: Post, item: Item, linked: list, *, is_new: bool) -> None:
    """What hangs on the saved post: tags, papers, its modified date."""
    tags = _tags(run, item)
    if tags or not is_new:  # a new post has no tags to take away
        post.tags.set(tags)
    children = [
        run.papers[f"attachment:{wp_id}"]
        for wp_id in run.children.get(item.wp_id, [])
        if f"attachment:{wp_id}" in run.papers
    ]
    papers = list(dict.fromkeys([*linked, *children]))
    have = set(post.attachments.values_list("document_id", flat=True)) if papers else set()
    for position, document in enumerate(papers):
        if document.pk not in have:
            Attachment.objects.create(post=post, document=document, position=position)
    if modified := parse_date(item.modified_gmt, item.modified):
        post.updated_at = modified
        run.modified.append(post)  # written with the batch (finish_batch)
