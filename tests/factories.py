"""Builders for test data: real rows in the test database, real PDF files on disk."""

import io
from datetime import timedelta
from itertools import count

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from comments.models import Comment
from documents.models import Document
from news.models import Attachment, Category, Post

_sequence = count(1)


def pdf_bytes(pages: int = 1, title: str = "Test paper", padding: int = 0) -> bytes:
    """A real PDF that any reader opens; `padding` adds bytes inside its metadata."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title, "/Subject": "x" * padding})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_post(*, status=Post.Status.PUBLISHED, days_ago=1, **fields) -> Post:
    number = next(_sequence)
    fields.setdefault("title", f"Post number {number}")
    fields.setdefault("slug", f"post-{number}")
    fields.setdefault("body", f"<p>The body of post {number}.</p><p>A second paragraph.</p>")
    fields.setdefault("category", Category.objects.get(slug="news"))
    if status == Post.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(days=days_ago))
    return Post.objects.create(status=status, **fields)


def make_document(
    *,
    title="Recovery: the Business Case",
    content=None,
    name="paper.pdf",
    visibility=Document.Visibility.PUBLIC,
):
    document = Document(
        title=title,
        file=ContentFile(content or pdf_bytes(title=title), name=name),
        visibility=visibility,
    )
    document.full_clean()
    document.save()
    return document


def attach(post: Post, *documents: Document) -> None:
    for position, document in enumerate(documents):
        Attachment.objects.create(post=post, document=document, position=position)


def make_comment(post: Post, *, status=Comment.Status.APPROVED, **fields) -> Comment:
    number = next(_sequence)
    fields.setdefault("name", f"Visitor {number}")
    fields.setdefault("email", f"visitor{number}@example.org")
    fields.setdefault("text", f"Reply number {number}.")
    return Comment.objects.create(post=post, status=status, **fields)


def make_staff(django_user_model, group_name: str, username: str | None = None):
    user = django_user_model.objects.create_user(
        username=username or group_name.lower(), password="correct horse battery", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def make_unpublished_posts(**fields) -> dict[str, Post]:
    """One post of each kind the public must not see: a draft, a scheduled and an expired post.

    Scheduled and expired are seconds either side of now, so they are as close as can be to
    appearing or having just gone.
    """
    now = timezone.now()
    return {
        state: make_post(title=f"Hidden {state} post", slug=f"hidden-{state}", **extra, **fields)
        for state, extra in {
            "draft": {"status": Post.Status.DRAFT},
            "scheduled": {"published_at": now + timedelta(seconds=30)},
            "expired": {
                "published_at": now - timedelta(days=3),
                "expires_at": now - timedelta(seconds=1),
            },
        }.items()
    }
