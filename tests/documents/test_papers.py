"""Papers themselves: sizes as the site shows them, who may have a paper, uploads refused
by content, and deleting."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from documents.models import Document, human_size
from news.models import Post
from tests.documents.conftest import (
    png_bytes,
)
from tests.factories import attach, make_document, make_post, make_staff, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "size, label",
    [
        (200, "1KB"),
        (1024, "1KB"),
        (375 * 1024, "375KB"),
        (375 * 1024 + 511, "375KB"),
        (375 * 1024 + 512, "376KB"),
        (1024 * 1024 - 1, "1.0MB"),
        (1024 * 1024, "1.0MB"),
        (int(1.45 * 1024 * 1024), "1.4MB"),
        (50 * 1024 * 1024, "50.0MB"),
    ],
)
def test_sizes_read_like_the_seed(size, label):
    assert human_size(size) == label


def test_link_text_reads_exactly_like_the_seed():
    document = make_document(content=pdf_bytes(padding=375 * 1024 - 700))
    assert abs(document.size - 375 * 1024) < 512
    assert document.link_text == "Download (PDF, 375KB)"


def test_size_is_recorded_at_upload():
    content = pdf_bytes(pages=3)
    assert make_document(content=content).size == len(content)


def test_papers_only_on_unpublished_posts_are_held_back(client):
    document = make_document()
    attach(make_post(status=Post.Status.DRAFT), document)

    assert client.get(document.get_download_url()).status_code == 404
    assert client.head(document.get_download_url()).status_code == 404
    document.refresh_from_db()
    assert document.download_count == 0

    attach(make_post(), make_document(title="Other", name="o.pdf"))
    document.attachments.create(post=make_post(title="Now published"), position=0)
    assert client.get(document.get_download_url()).status_code == 200


def test_a_public_paper_on_no_post_is_in_the_library(client):
    library_only = make_document(title="Library only", name="other.pdf")
    assert client.get(library_only.get_download_url()).status_code == 200


def test_staff_only_papers_are_never_served_to_the_public(client):
    document = make_document(title="Internal")
    document.visibility = Document.Visibility.STAFF
    document.save()
    attach(make_post(), document)

    assert client.get(document.get_download_url()).status_code == 404
    assert client.get(document.get_absolute_url()).status_code == 404


def test_editors_can_download_papers_of_drafts(client, django_user_model):
    document = make_document()
    attach(make_post(status=Post.Status.DRAFT), document)
    client.force_login(make_staff(django_user_model, "Editors"))

    response = client.get(document.get_download_url())

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


REFUSED_UPLOADS = [
    ("renamed PNG", png_bytes, "looks like a PNG image"),
    ("HTML", lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page (HTML)"),
    ("ZIP", lambda: b"PK\x03\x04" + b"\x00" * 100, "ZIP archive"),
    ("empty", lambda: b"", "is empty"),
    ("truncated PDF", lambda: pdf_bytes(pages=2)[:60], "cannot be read"),
    ("plain text", lambda: b"Just some text, honestly a PDF", "not a PDF"),
]


@pytest.mark.parametrize(
    "kind, make_content, message", REFUSED_UPLOADS, ids=[r[0] for r in REFUSED_UPLOADS]
)
def test_upload_that_is_not_a_pdf_is_refused_with_the_reason(kind, make_content, message):
    document = Document(
        title="Claims to be a PDF", file=ContentFile(make_content(), name="paper.pdf")
    )
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert message in " ".join(refused.value.message_dict["file"])


def test_admin_refuses_a_renamed_image_and_keeps_the_title(admin_client):
    upload = SimpleUploadedFile("business-case.pdf", png_bytes(), content_type="application/pdf")

    response = admin_client.post(
        reverse("admin:documents_document_add"), {"title": "My careful title", "file": upload}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "is not a PDF: its content looks like a PNG image" in html
    assert 'value="My careful title"' in html
    assert not Document.objects.exists()


def test_admin_accepts_a_pdf_and_it_is_readable_from_disk(admin_client):
    upload = SimpleUploadedFile("paper.pdf", pdf_bytes(pages=2), content_type="application/pdf")

    response = admin_client.post(
        reverse("admin:documents_document_add"),
        {"title": "A real paper", "visibility": "public", "file": upload},
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert len(PdfReader(document.file.path).pages) == 2


def test_deleting_a_paper_removes_its_file(admin_client, django_capture_on_commit_callbacks):
    document = make_document()
    path = document.file.path

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:documents_document_delete", args=[document.pk]), {"post": "yes"}
        )

    assert not Document.objects.exists()
    assert not os.path.exists(path)


def test_deleting_a_paper_in_use_shows_its_posts_before_confirming(admin_client):
    document = make_document()
    post = make_post(title="Still uses it")
    attach(post, document)
    url = reverse("admin:documents_document_delete", args=[document.pk])

    confirmation = admin_client.get(url).content.decode()
    assert "Still uses it" in confirmation
    assert Document.objects.filter(pk=document.pk).exists()

    admin_client.post(url, {"post": "yes"})
    assert not Document.objects.filter(pk=document.pk).exists()
    assert post.attachments.count() == 0


def test_a_new_paper_waits_for_its_posts_by_default(client):
    document = Document(title="Embargoed report", file=ContentFile(pdf_bytes(), name="e.pdf"))
    document.full_clean()
    document.save()
    assert document.visibility == Document.Visibility.WITH_POSTS
    assert client.get(document.get_download_url()).status_code == 404  # on no post yet

    draft = make_post(status=Post.Status.DRAFT)
    attach(draft, document)
    assert client.get(document.get_download_url()).status_code == 404  # its post is a draft

    draft.status = Post.Status.PUBLISHED
    draft.save()
    assert client.get(document.get_download_url()).status_code == 200
    assert client.get(reverse("documents:library")).content.decode().count("Embargoed report")


def test_a_paper_is_public_alone_exactly_when_the_public_queryset_holds_it(client):
    """document.is_public, with_is_public() and public() say the same, case by case."""
    published, draft = make_post(), make_post(status=Post.Status.DRAFT)
    visibility = Document.Visibility
    cases = {
        "public, on no post": (visibility.PUBLIC, [], True),
        "public, on a draft only": (visibility.PUBLIC, [draft], False),
        "public, on a draft and a published post": (visibility.PUBLIC, [draft, published], True),
        "with its posts, on no post": (visibility.WITH_POSTS, [], False),
        "with its posts, on a draft only": (visibility.WITH_POSTS, [draft], False),
        "with its posts, on a published post": (visibility.WITH_POSTS, [published], True),
        "staff only, on a published post": (visibility.STAFF, [published], False),
    }
    for number, (case, (chosen, posts, expected)) in enumerate(cases.items()):
        document = make_document(title=case, name=f"{number}.pdf", visibility=chosen)
        for post in posts:
            attach(post, document)

        assert document.is_public is expected, case
        assert Document.objects.public().filter(pk=document.pk).exists() is expected, case
        assert Document.objects.with_is_public().get(pk=document.pk).is_public is expected, case
        served = client.get(document.get_download_url()).status_code == 200
        assert served is expected, case


def test_a_published_posts_papers_shown_with_it_are_exactly_its_public_ones():
    post = make_post()
    papers = [
        make_document(title=chosen.label, name=f"{chosen}.pdf", visibility=chosen)
        for chosen in Document.Visibility
    ]
    attach(post, *papers)

    shown = Document.objects.shown_with_posts().filter(attachments__post=post)

    assert set(shown) == set(Document.objects.public().filter(attachments__post=post))
    assert {paper.visibility for paper in shown} == {"public", "with_posts"}
