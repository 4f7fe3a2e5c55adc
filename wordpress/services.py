"""Importing a WordPress export: the one service behind `manage.py import_wordpress`.

`import_export()` reads the file twice, streaming both times: first its authors, terms and
attachments (small records) and how many posts it holds, then each post with its replies.
It yields an Outcome per item and a Progress after each post, so a caller shows a bar and a
summary. Each item is imported in its own transaction (a savepoint within a batch of 100):
one that fails is named and rolled back, and the rest go on. A dry run does everything inside
one transaction that is rolled back, with files written to a throw-away folder, so it reports
exactly what a real run would.
"""

import itertools
import tempfile
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings

from freshness.stamp import mark_site_changed
from news.models import Category
from wordpress import identity, pictures
from wordpress.attachments import IMAGE_TYPES, PDF, import_paper
from wordpress.context import Attachment, Options, Run, item_name
from wordpress.media import uploads_path
from wordpress.posts import finish_batch, import_post, prepare_batch
from wordpress.redirects import remember_feeds, site_prefix
from wordpress.summary import CREATED, FAILED, SKIPPED, UNCHANGED, Outcome, Progress, Summary
from wordpress.terms import DEFAULT_CATEGORY, import_term
from wordpress.wxr import Author, Item, Site, Term, read

IMPORTED_TYPES = ("post", "page")
# Posts are committed in batches, each post in a savepoint of its own (transaction.atomic
# nested): one that fails is rolled back alone, while a commit per post would cost more than
# the rest of its import on SQLite. An import cut short loses at most one batch, which the next
# run (idempotent) brings in.
ITEMS_PER_COMMIT = 100
# What WordPress keeps as items but is no content of its own.
SILENT_TYPES = (
    "attachment",
    "revision",
    "nav_menu_item",
    "customize_changeset",
    "wp_global_styles",
)


@dataclass
class _Scan:
    site: Site = field(default_factory=lambda: Site("", ""))
    authors: list[Author] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    posts: int = 0


def import_export(path: Path, *, options: Options) -> Generator[Outcome | Progress, None, Summary]:
    """Import the export at `path`; yields what happened, item by item (see module docstring).

    Raises wxr.MalformedExport before anything is written if the file cannot be read.
    """
    scan = _scan(path)
    run = Run(site=scan.site, prefix=site_prefix(scan.site.blog_url), options=options)
    run.attachments, run.children = scan.attachments, scan.children
    run.uploads = {uploads_path(a.url) or "": a for a in scan.attachments.values()}
    run.category_parents = {t.slug: t.parent for t in scan.terms if t.kind == "category"}
    run.default_category = Category.objects.filter(slug=DEFAULT_CATEGORY).first()
    if options.pages_category:
        run.pages_category = Category.objects.get(slug=options.pages_category)
    with _rolled_back_if(options.dry_run):
        for author in scan.authors:
            yield _each(run, f"“{author.login}”", "author", partial(_author, run, author))
        for term in scan.terms:
            yield _each(run, f"“{term.name}”", term.kind, partial(import_term, run, term))
        for attachment in scan.attachments.values():
            if attachment.mime_type == PDF:
                yield _each(run, attachment.title, "paper", partial(import_paper, run, attachment))
        with transaction.atomic():
            remember_feeds(run.prefix)
        done = 0
        items = (record for record in read(path) if isinstance(record, Item))
        for batch in itertools.batched(items, ITEMS_PER_COMMIT):
            with transaction.atomic():
                prepare_batch(run, [r for r in batch if r.post_type in IMPORTED_TYPES])
                for record in batch:
                    if record.post_type in IMPORTED_TYPES:
                        yield from _post(run, record)
                        done += 1
                        yield Progress(done, scan.posts)
                    elif record.post_type not in SILENT_TYPES:
                        yield _other(run, record)
                finish_batch(run)
        mark_site_changed()
    _close_notes(run, scan)
    return run.summary  # for callers driving the generator by hand


def summary_of(events: Generator[Outcome | Progress, None, Summary]) -> Summary:
    """Run the import to its end; its Summary (the generator's return value)."""
    while True:
        try:
            next(events)
        except StopIteration as end:
            return end.value


def _scan(path: Path) -> _Scan:
    scan = _Scan()
    seen_terms: set[tuple[str, str]] = set()
    for record in read(path):
        if isinstance(record, Site):
            scan.site = record
        elif isinstance(record, Author):
            scan.authors.append(record)
        elif isinstance(record, Term):
            # WordPress lists each term twice, as <wp:category> or <wp:tag> and as <wp:term>.
            if (record.kind, record.slug) not in seen_terms:
                seen_terms.add((record.kind, record.slug))
                scan.terms.append(record)
        elif record.post_type in IMPORTED_TYPES:
            scan.posts += 1
        elif record.post_type == "attachment":
            scan.attachments[record.wp_id] = Attachment(
                wp_id=record.wp_id,
                url=record.attachment_url or record.guid,
                link=record.link,
                title=record.title,
                mime_type=record.mime_type,
                parent=record.parent,
                alt=record.meta.get("_wp_attachment_image_alt", ""),
                digest=record.digest(),
                guid=record.guid,
            )
            if record.parent not in ("", "0"):
                scan.children.setdefault(record.parent, []).append(record.wp_id)
    return scan


def _each(run: Run, name: str, kind: str, work: Callable[[], Outcome]) -> Outcome:
    """One item in its own transaction; a failure names it and the import goes on."""
    try:
        with transaction.atomic():
            outcome = work()
    except Exception as error:  # noqa: BLE001 - any fault in one item must not stop the rest
        outcome = Outcome(kind, FAILED, name, _reason(error))
    run.summary.add(outcome)
    return outcome


def _post(run: Run, item: Item) -> Iterator[Outcome]:
    marks = run.marks()
    try:
        with transaction.atomic():
            outcomes = list(import_post(run, item))
    except Exception as error:  # noqa: BLE001 - see _each
        run.forget_since(marks)
        outcomes = [Outcome(item.post_type, FAILED, item_name(item), _reason(error))]
    for outcome in outcomes:
        run.summary.add(outcome)
        yield outcome


def _other(run: Run, item: Item) -> Outcome:
    outcome = Outcome("other", SKIPPED, item_name(item), f"post type “{item.post_type}”")
    run.summary.add(outcome)
    return outcome


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _author(run: Run, author: Author) -> Outcome:
    users = get_user_model()._default_manager
    mapped = run.options.author_map.get(author.login)
    user = users.get(username=mapped) if mapped else users.filter(username=author.login).first()
    result = UNCHANGED
    if user is None:
        user = users.model(
            username=author.login[:150],
            email=author.email,
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
            is_staff=True,
        )
        user.set_unusable_password()  # they sign in once staff set a password for them
        user.save()
        result = CREATED
    run.users[author.login] = user
    if author.wp_id:
        run.users_by_id[author.wp_id] = user
    identity.remember(
        run,
        "author",
        author.login,
        user,
        source_hash="",
        existing=identity.find(run, "author", author.login),
    )
    return Outcome("author", result, f"“{author.login}”")


def _close_notes(run: Run, scan: _Scan) -> None:
    others = [a for a in scan.attachments.values() if a.mime_type not in (PDF, *IMAGE_TYPES)]
    if others:
        run.summary.note(
            f"{len(others)} attachment(s) neither PDF nor image were not imported "
            f"(e.g. “{others[0].title}”, {others[0].mime_type})."
        )
    pictures.close_note(run)
    if run.summary.counts["post", CREATED] or run.summary.counts["page", CREATED]:
        run.summary.note(
            "New authors' accounts have no password: set one in the admin to let them sign in."
        )


@contextmanager
def _rolled_back_if(dry_run: bool):
    """A real run writes as it goes; a dry run writes into a transaction and a temporary
    media folder, then undoes both."""
    if not dry_run:
        yield
        return
    # override_settings is Django's documented way to swap a setting for a while; it also
    # resets the default storage's cached location (setting_changed).
    with (
        tempfile.TemporaryDirectory(prefix="wordpress-dry-run-") as folder,
        override_settings(MEDIA_ROOT=folder),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)
