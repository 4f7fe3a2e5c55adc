"""What is read from an accepted paper (pages, title, text, previews, accessibility), and
reading stored papers again."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    BooleanObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from documents.ingest import title_from_name
from documents.models import Document
from documents.previews import preview_url
from tests.documents.conftest import (
    admin_upload,
    changed_pdf,
    ingest,
    media,
    text_pdf,
)
from tests.factories import make_document, pdf_bytes

pytestmark = pytest.mark.django_db


# --- What is read from an accepted PDF --------------------------------------------------------


def test_upload_records_size_pages_hash_title_and_uploader(admin_client, admin_user):
    content = text_pdf(title="Peer Support in Practice")

    response = admin_upload(admin_client, content, name="upload.pdf")

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.title == "Peer Support in Practice"  # from the PDF, as the title was blank
    assert document.size == len(content)
    assert document.page_count == len(PdfReader(io.BytesIO(content)).pages) >= 2
    assert document.sha256 == __import__("hashlib").sha256(content).hexdigest()
    assert document.uploaded_by == admin_user
    assert (document.file_type, document.content_type) == ("PDF", "application/pdf")


def test_title_staff_typed_wins_and_a_pdf_without_one_gets_its_file_name():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)

    assert ingest(text_pdf(), title="Chosen by staff").title == "Chosen by staff"
    assert ingest(buffer.getvalue(), name="co_production-tips.pdf").title == "Co production tips"


@pytest.mark.parametrize(
    "name, title",
    [
        ("recovery-the-business-case.pdf", "Recovery the business case"),
        ("___.pdf", "Untitled paper"),
    ],
)
def test_title_from_name(name, title):
    assert title_from_name(name) == title


def test_text_of_each_page_is_kept_with_form_feeds_between():
    document = ingest(text_pdf(size=12_000))

    pages = document.text.split("\f")
    assert len(pages) == document.page_count >= 3
    assert pages[0].startswith("Peer Support in Practice")
    assert all("Recovery Colleges offer courses" in page for page in pages[:-1])


def test_previews_of_the_first_page_are_stored_at_two_widths(settings):
    document = ingest(text_pdf())

    assert [p["width"] for p in document.previews] == [240, 480]
    for preview in document.previews:
        assert preview["name"] == (
            f"documents/previews/{document.pk}/{document.sha256[:12]}-{preview['width']}.webp"
        )
        with Image.open(media(settings) / preview["name"]) as image:
            assert image.format == "WEBP"
            assert image.size == (preview["width"], preview["height"])
            assert image.height == int(preview["width"] * 841.89 / 595.28)  # A4 proportions


def test_preview_url_is_served_by_the_public_preview_view(client):
    document = ingest(text_pdf())
    assert client.get(preview_url(document, 240)).status_code == 404  # with its posts: none yet
    document.visibility = Document.Visibility.PUBLIC
    document.save()

    response = client.get(preview_url(document, 240))

    assert response["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.width == 240
    assert preview_url(document, 999) is None


# --- Accessibility of the paper ---------------------------------------------------------------


def test_untagged_pdf_lists_what_screen_readers_miss():
    report = ingest(text_pdf()).accessibility

    assert report["tagged"] is False and report["language"] == ""
    assert report["has_title"] is True
    assert report["text_pages"] == report["pages"] >= 2
    problems = " ".join(report["problems"])
    assert "No tags:" in problems
    assert "No language set" in problems
    assert "No text" not in problems


def test_tagged_pdf_with_language_and_title_has_fewer_problems():
    untagged = ingest(text_pdf()).accessibility
    content = changed_pdf(
        text_pdf(title="Tagged paper"),
        catalog={
            "/MarkInfo": DictionaryObject({NameObject("/Marked"): BooleanObject(True)}),
            "/StructTreeRoot": lambda writer: writer._add_object(
                DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
            ),
            "/Lang": TextStringObject("en-GB"),
            "/ViewerPreferences": DictionaryObject(
                {NameObject("/DisplayDocTitle"): BooleanObject(True)}
            ),
        },
    )

    report = ingest(content).accessibility

    assert report["tagged"] is True and report["language"] == "en-GB"
    assert report["problems"] == []
    assert len(report["problems"]) < len(untagged["problems"])


def test_pages_without_text_are_reported_as_scans():
    report = ingest(pdf_bytes(pages=2)).accessibility

    assert report["text_pages"] == 0
    assert any(problem.startswith("No text on any page") for problem in report["problems"])


def test_admin_change_form_shows_the_problems_or_none(admin_client):
    document = ingest(text_pdf())
    document.accessibility["problems"] = []
    document.save()
    untagged = ingest(text_pdf(title="Another"))

    fine = admin_client.get(reverse("admin:documents_document_change", args=[document.pk]))
    missing = admin_client.get(reverse("admin:documents_document_change", args=[untagged.pk]))

    assert "No problems found." in fine.content.decode()
    assert "<li>No tags: screen readers cannot tell" in missing.content.decode()


# --- Reading stored papers again --------------------------------------------------------------


def test_reindex_documents_fills_in_what_older_uploads_lack():
    document = make_document(content=text_pdf())  # saved straight, as before the service
    assert document.sha256 == "" and document.previews == []

    output = io.StringIO()
    call_command("reindex_documents", stdout=output)

    document.refresh_from_db()
    assert document.page_count >= 2 and len(document.sha256) == 64
    assert [p["width"] for p in document.previews] == [240, 480]
    assert document.text.startswith("Peer Support in Practice")
    assert document.accessibility["pages"] == document.page_count
    assert "Read again: 1 paper; failed: 0." in output.getvalue()


def test_reindex_twice_keeps_one_set_of_previews(settings):
    document = ingest(text_pdf())

    call_command("reindex_documents", str(document.pk), stdout=io.StringIO())

    document.refresh_from_db()
    assert sorted(p.name for p in media(settings).rglob("*.webp")) == sorted(
        Path(p["name"]).name for p in document.previews
    )


def test_demo_papers_go_through_the_upload_service():
    call_command("load_demo_content", stdout=io.StringIO())

    for document in Document.objects.all():
        assert len(document.previews) == 2 and document.page_count >= 2
        assert "No tags:" in " ".join(document.accessibility_problems)


def test_control_characters_in_the_pdf_title_are_dropped():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf())))
    writer.add_metadata({"/Title": "Annual\x00 report\x07 2024"})
    buffer = io.BytesIO()
    writer.write(buffer)
    assert ingest(buffer.getvalue()).title == "Annual report 2024"
