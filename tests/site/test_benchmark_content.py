"""The benchmark content loader: bulk rows that behave like content made through the site."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from comments.models import Comment
from documents.models import Document
from freshness.stamp import site_changed_at
from news.models import Attachment, Post

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_benchmark_content", *args, stdout=out)
    return out.getvalue()


def test_loads_what_was_asked_and_says_so():
    output = load(
        "--posts", "30", "--replies-per-post", "6", "--papers", "3", "--paper-bytes", "20000"
    )

    assert "Added 30 posts, 180 replies and 3 papers" in output
    assert Post.objects.published().count() == 30
    assert Comment.objects.approved().count() == 180
    assert Document.objects.public().count() == 3
    assert Attachment.objects.count() == 60
    # Every fifth reply answers the one before it, in the same conversation.
    answer = Comment.objects.filter(parent__isnull=False).select_related("parent").first()
    assert answer.thread_key == answer.parent.pk and answer.ancestry == str(answer.parent.pk)
    assert answer.post_id == answer.parent.post_id
    # Derived fields a bulk write skips are filled as save() fills them.
    post = Post.objects.get(slug="bench-3")
    assert post.body_text.startswith("Paragraph 0 of post 3")
    assert site_changed_at() is not None


def test_pages_show_the_content_and_papers_download(client):
    load("--posts", "12", "--replies-per-post", "5", "--papers", "2", "--paper-bytes", "20000")
    post = Post.objects.get(slug="bench-4")

    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert "Reply 4: thank you" in page.content.decode()
    search = client.get(reverse("news:search"), {"q": post.title.split(": ")[1]})
    assert post.get_absolute_url() in search.content.decode()
    for paper in Document.objects.all():
        download = client.get(paper.get_download_url())
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_second_run_grows_the_site():
    load("--posts", "5", "--replies-per-post", "0", "--papers", "0")
    load("--posts", "5", "--replies-per-post", "0", "--papers", "0")

    assert Post.objects.count() == 10
    assert Post.objects.filter(slug="bench-9").exists()
