"""What one import run knows while it goes: the old site, the choices staff made, and the
objects already made here for the export's authors, terms and attachments."""

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone

from documents.models import Document
from news.models import Category
from wordpress.media import MediaSource
from wordpress.summary import Summary
from wordpress.wxr import Item, Site

_ZERO_DATE = "0000-00-00 00:00:00"


@dataclass
class Options:
    media: MediaSource
    author_map: dict[str, str] = field(default_factory=dict)
    category_map: dict[str, str] = field(default_factory=dict)
    pages_category: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class Attachment:
    """An attachment item, kept small from the first reading of the file."""

    wp_id: str
    url: str
    link: str
    title: str
    mime_type: str
    parent: str
    alt: str
    digest: str
    guid: str


@dataclass
class Run:
    site: Site
    prefix: str
    options: Options
    summary: Summary = field(default_factory=Summary)
    users: dict = field(default_factory=dict)  # WordPress login → account here
    users_by_id: dict = field(default_factory=dict)  # WordPress user ID → account here
    categories: dict[str, Category] = field(default_factory=dict)  # WordPress slug → here
    category_parents: dict[str, str] = field(default_factory=dict)  # slug → parent's slug
    extra_tags: dict[str, str] = field(default_factory=dict)  # category slug → tag it becomes
    tags: dict[str, str] = field(default_factory=dict)  # WordPress tag slug → tag name here
    attachments: dict[str, Attachment] = field(default_factory=dict)  # by WordPress ID
    uploads: dict[str, Attachment] = field(default_factory=dict)  # by path under uploads/
    children: dict[str, list[str]] = field(default_factory=dict)  # post ID → attachment IDs
    papers: dict[str, Document] = field(default_factory=dict)  # upload path or link → paper
    # Image address → the stored picture's attributes, or why it was not stored (pictures.py).
    pictures: dict[str, dict | str] = field(default_factory=dict)
    pictures_without_alt: int = 0
    # Looked up for the current batch of posts (posts.prepare_batch).
    records: dict = field(default_factory=dict)  # (kind, WordPress ID) → ImportedItem
    posts: dict = field(default_factory=dict)  # pk → Post, of those records
    slugs_taken: set[str] = field(default_factory=set)
    # Written together at the end of the batch (posts.finish_batch).
    staged: list = field(default_factory=list)  # new ImportedItems
    staged_addresses: list = field(default_factory=list)  # new posts' LegacyAddresses
    modified: list = field(default_factory=list)  # posts with their WordPress modified date

    def marks(self) -> tuple[int, int, int]:
        return len(self.staged), len(self.staged_addresses), len(self.modified)

    def forget_since(self, marks: tuple[int, int, int]) -> None:
        """Drop what an item that failed (and was rolled back) left to write."""
        del self.staged[marks[0] :], self.staged_addresses[marks[1] :], self.modified[marks[2] :]

    default_category: Category | None = None  # for posts in no category (News)
    pages_category: Category | None = None  # --pages-category

    @property
    def source(self) -> str:
        return self.site.base_url


def parse_date(gmt: str, local: str) -> datetime | None:
    """An item's moment: its GMT date, else its local one read in the site's time zone."""
    if gmt and gmt != _ZERO_DATE:
        try:
            return datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            pass
    if local and local != _ZERO_DATE:
        try:
            return timezone.make_aware(datetime.strptime(local, "%Y-%m-%d %H:%M:%S"))
        except ValueError:
            return None
    return None


def item_name(item: Item) -> str:
    return f"“{html.unescape(item.title) or '(no title)'}” (ID {item.wp_id})"
