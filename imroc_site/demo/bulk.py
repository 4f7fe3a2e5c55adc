"""Benchmark content of any size, written in bulk: posts with tags and papers, and replies.

For measuring how pages behave as data grows (issue 14: 100,000 posts, 1,000,000 replies,
5,000 papers in minutes), never for a real site. It writes rows with `bulk_create`, so it fills
the derived fields that `save()` would (plain body text, a paper's size, hash and text)
itself, and moves the content stamp once at the end. One real PDF is ingested through the
same service as an upload; the other papers are rows that share its stored file, each with a
title and text of its own, so 5,000 papers do not mean 5,000 PDFs on disk.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from comments.models import Comment
from documents.ingest import ingest_upload
from documents.models import Document
from freshness.stamp import mark_site_changed
from imroc_site.demo.pdf import make_pdf
from news.models import EVENTS_SLUG, Attachment, Category, Post, html_to_text

BATCH = 5_000
WORDS = [
    "recovery",
    "college",
    "peer",
    "support",
    "co-production",
    "wellbeing",
    "community",
    "training",
    "research",
    "families",
    "housing",
    "employment",
    "supporting",
    "education",
    "hope",
    "opportunity",
]
# Of every five replies, the fifth answers the fourth: discussions have some threads.
THREAD_EVERY = 5


@dataclass
class Loaded:
    posts: int = 0
    replies: int = 0
    papers: int = 0
    tags: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _batches[T](items: Iterator[T], size: int = BATCH) -> Iterator[list[T]]:
    while batch := list(islice(items, size)):
        yield batch


def _topic(n: int) -> str:
    return " ".join(WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(4))


def _body(n: int, topic: str) -> str:
    return "".join(
        f"<p>Paragraph {p} of post {n}, about {topic}. People in recovery, their families and "
        f"staff learn together in the {WORDS[(n + p) % len(WORDS)]} course.</p>"
        for p in range(5)
    )


def _categories() -> tuple[Category, Category]:
    news, _ = Category.objects.get_or_create(slug="news", defaults={"name": "News"})
    events, _ = Category.objects.get_or_create(slug=EVENTS_SLUG, defaults={"name": "Events"})
    return news, events


def load_bulk(
    *,
    posts: int,
    replies_per_post: int,
    papers: int,
    paper_bytes: int = 384_000,
    progress: Callable[[str, int], None] = lambda kind, done: None,
) -> Loaded:
    """Add `posts` published posts (one in ten an event), each with `replies_per_post` approved
    replies, and `papers` public papers attached two to a post in turn. Slugs continue after
    what is there, so it can be run again to grow a site."""
    loaded = Loaded()
    news, events = _categories()
    start = Post.objects.count()
    now = timezone.now()
    tags = _ensure_tags()
    with transaction.atomic():
        paper_ids = _load_papers(papers, paper_bytes, start) if papers else []
        loaded.papers = len(paper_ids)
        progress("papers", loaded.papers)
    numbers = iter(range(start, start + posts))
    for batch in _batches(numbers, 2_000):
        with transaction.atomic():
            created = Post.objects.bulk_create(
                [_post(n, now, news, events) for n in batch], batch_size=1_000
            )
            post_ids = [post.pk for post in created]
            TaggedItem.objects.bulk_create(
                [
                    TaggedItem(content_object=post, tag=tags[(post.pk + k) % len(tags)])
                    for post in created
                    for k in range(3)
                ],
                batch_size=BATCH,
            )
            if paper_ids:
                Attachment.objects.bulk_create(
                    [
                        Attachment(
                            post_id=pk,
                            document_id=paper_ids[(pk * 2 + k) % len(paper_ids)],
                            position=k,
                        )
                        for pk in post_ids
                        for k in range(min(2, len(paper_ids)))
                    ],
                    batch_size=BATCH,
                )
            loaded.replies += _load_replies(post_ids, replies_per_post, now)
        loaded.posts += len(batch)
        progress("posts", loaded.posts)
    mark_site_changed()
    loaded.tags = len(tags)
    return loaded


def _ensure_tags() -> list[Tag]:
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=WORDS)}
    missing = [Tag(name=word, slug=word) for word in WORDS if word not in existing]
    Tag.objects.bulk_create(missing)
    return list(Tag.objects.filter(name__in=WORDS).order_by("pk"))


def _post(n: int, now, news: Category, events: Category) -> Post:
    topic = _topic(n)
    body = _body(n, topic)
    is_event = n % 10 == 0
    return Post(
        title=f"Post {n}: {topic}",
        slug=f"bench-{n}",
        category=events if is_event else news,
        body=body,
        body_text=html_to_text(body),
        status=Post.Status.PUBLISHED,
        published_at=now - timedelta(minutes=10 * n + 1),
        event_start=now + timedelta(days=n % 60 - 20) if is_event else None,
        event_location="Nottingham" if is_event else "",
    )


def _load_papers(count: int, paper_bytes: int, start: int) -> list[int]:
    """One real paper, ingested like an upload; the rest share its file."""
    title = f"Recovery paper {start}"
    pdf = make_pdf(title, [f"{title}: {_topic(start)}."] * 40, paper_bytes)
    first = ingest_upload(
        Document(title=title, visibility=Document.Visibility.PUBLIC),
        ContentFile(pdf, name="recovery-paper.pdf"),
        by=None,
    )
    copies = (
        Document(
            title=f"Recovery paper {start + n}: {_topic(start + n)}",
            slug=f"recovery-paper-{start + n}",
            description=f"A briefing on {_topic(n)}.",
            file=first.file.name,
            size=first.size,
            page_count=first.page_count,
            sha256=first.sha256,
            text=f"{_topic(start + n)} {first.text[:2_000]}",
            previews=first.previews,
            accessibility=first.accessibility,
            visibility=Document.Visibility.PUBLIC,
            file_updated_at=first.file_updated_at,
        )
        for n in range(1, count)
    )
    ids = [first.pk]
    for batch in _batches(copies):
        ids += [paper.pk for paper in Document.objects.bulk_create(batch)]
    return ids


def _load_replies(post_ids: list[int], per_post: int, now) -> int:
    if not per_post:
        return 0

    def reply(post_id: int, k: int, parent: Comment | None = None) -> Comment:
        return Comment(
            post_id=post_id,
            parent=parent,
            ancestry=str(parent.pk) if parent else "",
            thread_key=parent.pk if parent else None,
            name=f"Reader {k}",
            email=f"reader{k}@example.org",
            text=f"Reply {k}: thank you, this {WORDS[k % len(WORDS)]} work matters to us.",
            status=Comment.Status.APPROVED,
            submitted_at=now - timedelta(minutes=per_post - k),
            moderated_at=now,
        )

    answered = {k for k in range(per_post) if (k + 1) % THREAD_EVERY == 0}
    places = [(pk, k) for pk in post_ids for k in range(per_post) if k not in answered]
    created = Comment.objects.bulk_create([reply(*place) for place in places], batch_size=BATCH)
    # Each answer replies to the reply just before it (a top-level one: k - 1 is never answered).
    by_place = dict(zip(places, created, strict=True))
    answers = [reply(pk, k, by_place[(pk, k - 1)]) for pk in post_ids for k in sorted(answered)]
    Comment.objects.bulk_create(answers, batch_size=BATCH)
    return len(created) + len(answers)
