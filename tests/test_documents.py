import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from documents.models import Document, human_size
from news.models import Post
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


@pytest.fixture
def published_paper():
    document = make_document(title="Co-production – Sharing Our Experiences")
    attach(make_post(), document)
    return document


def test_download_serves_the_file_with_the_right_headers(client, published_paper):
    response = client.get(published_paper.get_absolute_url())

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body == published_paper.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(published_paper.size)
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        "filename*=utf-8''Co-production%20%E2%80%93%20Sharing%20Our%20Experiences.pdf"
        in disposition
    )


def test_each_download_is_counted_and_head_is_not(client, published_paper):
    for _ in range(3):
        b"".join(client.get(published_paper.get_absolute_url()).streaming_content)
    head = client.head(published_paper.get_absolute_url())

    assert head.status_code == 200 and head["Content-Length"] == str(published_paper.size)
    published_paper.refresh_from_db()
    assert published_paper.download_count == 3


def test_ascii_title_gets_a_plain_safe_filename(client):
    document = make_document(title='Evil "name"\r\nX-Injected: yes/../../etc')
    attach(make_post(), document)

    response = client.get(document.get_absolute_url())

    assert (
        response["Content-Disposition"]
        == 'attachment; filename="Evil name X-Injected yes .. .. etc.pdf"'
    )
    assert "X-Injected" not in {key for key, _ in response.items()}


def test_papers_only_on_unpublished_posts_are_not_downloadable(client):
    document = make_document()
    attach(make_post(status=Post.Status.DRAFT), document)
    unattached = make_document(title="Not attached anywhere", name="other.pdf")

    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.head(document.get_absolute_url()).status_code == 404
    assert client.get(unattached.get_absolute_url()).status_code == 404
    document.refresh_from_db()
    assert document.download_count == 0


def test_unknown_paper_is_404(client):
    assert client.get(reverse("documents:download", kwargs={"pk": 999})).status_code == 404


def test_editors_can_download_papers_of_drafts(client, django_user_model):
    document = make_document()
    attach(make_post(status=Post.Status.DRAFT), document)
    client.force_login(make_staff(django_user_model, "Editors"))

    response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def _png_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


REFUSED_UPLOADS = [
    ("renamed PNG", _png_bytes, "looks like a PNG image"),
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
    upload = SimpleUploadedFile("business-case.pdf", _png_bytes(), content_type="application/pdf")

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
        reverse("admin:documents_document_add"), {"title": "A real paper", "file": upload}
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
    import os

    assert not os.path.exists(path)


def test_a_paper_in_use_cannot_be_deleted_silently(admin_client):
    document = make_document()
    attach(make_post(title="Still uses it"), document)

    response = admin_client.post(
        reverse("admin:documents_document_delete", args=[document.pk]), {"post": "yes"}
    )

    assert Document.objects.filter(pk=document.pk).exists()
    assert "Still uses it" in response.content.decode()


def test_upload_over_the_size_limit_is_refused(settings):
    settings.DOCUMENTS_MAX_UPLOAD_SIZE = 10_000
    document = Document(
        title="Too big", file=ContentFile(pdf_bytes(padding=20_000), name="big.pdf")
    )
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert (
        "the largest paper the site accepts is 9.8\xa0KB" in refused.value.message_dict["file"][0]
    )
