"""What uploads are refused, and the reason staff are given; the same file twice."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from documents.ingest import replace_file
from documents.models import Document
from tests.documents.conftest import (
    action,
    admin_upload,
    assert_refused_next_to_the_file_field,
    changed_pdf,
    docx_bytes,
    ingest,
    media,
    odt_bytes,
    office_zip,
    png_bytes,
    text_pdf,
)
from tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db


# --- What is refused, and the reason staff are given ------------------------------------------


REFUSED = [
    ("renamed PNG", png_bytes, "is not a PDF: its content looks like a PNG image"),
    ("HTML", lambda: b"<!doctype html><html><body>Hi</body></html>", "looks like a web page"),
    ("script", lambda: b"#!/bin/sh\nrm -rf /\n", "looks like a script"),
    ("ZIP", lambda: office_zip({"notes.txt": b"hello"}), "a ZIP archive or an Office document"),
    ("empty file", lambda: b"", "is empty"),
    ("truncated PDF", lambda: pdf_bytes(pages=2)[:60], "starts like a PDF but cannot be read"),
    ("JavaScript", lambda: changed_pdf(js="app.alert('hi')"), "contains JavaScript"),
    (
        "JavaScript on a page",
        lambda: changed_pdf(
            first_page={"/AA": DictionaryObject({NameObject("/O"): action("/JavaScript", JS="1")})}
        ),
        "contains JavaScript",
    ),
    (
        "launch action",
        lambda: changed_pdf(catalog={"/OpenAction": action("/Launch", F="calc.exe")}),
        "contains an action that opens other programs or files",
    ),
    (
        "form submission",
        lambda: changed_pdf(catalog={"/OpenAction": action("/SubmitForm", F="http://x.test")}),
        "sends form data over the internet",
    ),
    (
        "link to a local file",
        lambda: changed_pdf(
            first_page={
                "/Annots": ArrayObject(
                    [
                        DictionaryObject(
                            {
                                NameObject("/Type"): NameObject("/Annot"),
                                NameObject("/Subtype"): NameObject("/Link"),
                                NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                                NameObject("/A"): action("/URI", URI="file:///etc/passwd"),
                            }
                        )
                    ]
                )
            }
        ),
        "a link to a file on the reader's own computer",
    ),
    ("encrypted PDF", lambda: _encrypted(text_pdf()), "is encrypted"),
    ("Word document", docx_bytes, "is not a PDF: its content looks like a Word document (DOCX)"),
]


def _encrypted(content: bytes, key="pw") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    writer.encrypt(key)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind, make_content, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_upload_refused_with_the_reason_next_to_the_file_field(
    admin_client, kind, make_content, message
):
    response = admin_upload(admin_client, make_content(), description="Typed with care")
    assert_refused_next_to_the_file_field(response, message)


def test_upload_over_the_size_limit_is_refused_with_both_sizes(admin_client, settings):
    settings.DOCUMENTS_MAX_UPLOAD_SIZE = 5 * 1024

    response = admin_upload(admin_client, text_pdf(size=9_000))

    [message] = response.context["adminform"].form.errors["file"]
    assert "the largest paper the site accepts is 5.0\xa0KB" in message
    assert not Document.objects.exists()


def test_upload_service_refuses_too_and_stores_nothing(settings):
    with pytest.raises(ValidationError, match="contains JavaScript"):
        ingest(changed_pdf(js="app.alert(1)"))

    assert not Document.objects.exists()
    assert not any(path.is_file() for path in media(settings).rglob("*"))


def test_encrypted_upload_is_accepted_when_the_setting_allows(settings):
    settings.DOCUMENTS_ALLOW_ENCRYPTED = True

    restricted = ingest(_encrypted(text_pdf(title="Restricted"), key=""))
    assert restricted.page_count >= 2 and "Peer support workers" in restricted.text

    # One that needs a password to open cannot be checked for scripts, nor read by visitors.
    with pytest.raises(ValidationError) as refused:
        ingest(_encrypted(text_pdf()), title="Locked")
    assert "needs a password to open" in str(refused.value)


def test_office_formats_are_accepted_by_content_when_enabled(settings):
    settings.DOCUMENTS_EXTRA_FORMATS = ["docx", "odt"]

    word = ingest(docx_bytes(), name="annual-report.pdf")
    writer = ingest(odt_bytes(), name="minutes.odt")

    assert (word.file_type, word.content_type) == (
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert word.file.name.endswith(".docx")  # named for what it is, not what it claimed
    assert word.title == "Annual report"
    assert word.link_text.startswith("Download (DOCX, ")
    assert (writer.file_type, writer.content_type) == (
        "ODT",
        "application/vnd.oasis.opendocument.text",
    )
    assert word.previews == [] and word.page_count is None


def test_office_document_with_macros_is_refused(settings):
    settings.DOCUMENTS_EXTRA_FORMATS = ["docx"]

    with pytest.raises(ValidationError, match="contains macros"):
        ingest(docx_bytes(**{"word/vbaProject.bin": b"\x00" * 10}), name="report.docx")


def test_admin_accepts_a_docx_when_enabled(admin_client, settings):
    settings.DOCUMENTS_EXTRA_FORMATS = ["docx"]

    response = admin_upload(admin_client, docx_bytes(), name="report.docx", title="Report")

    assert response.status_code == 302
    assert Document.objects.get().file_type == "DOCX"


# --- The same file twice ----------------------------------------------------------------------


def test_same_file_again_is_refused_with_a_link_to_the_paper(admin_client):
    content = text_pdf()
    existing = ingest(content, title="Already here")

    response = admin_upload(admin_client, content, name="copy.pdf", title="A copy")

    html = response.content.decode()
    change_url = reverse("admin:documents_document_change", args=[existing.pk])
    # The title isolated (FSI … PDI), as the admin shows every typed title.
    assert f'already on the site, as “<a href="{change_url}">\u2068Already here\u2069</a>”' in html
    assert 'value="A copy"' in html
    assert Document.objects.count() == 1


def test_earlier_version_again_is_refused_too(admin_client):
    old = text_pdf(title="First draft")
    document = ingest(old, title="Paper")
    replace_file(document, ContentFile(text_pdf(title="Final"), name="final.pdf"), by=None)

    response = admin_upload(admin_client, old)

    [message] = response.context["adminform"].form.errors["file"]
    assert "already on the site, as an earlier version of “<a href=" in message
    assert ">\u2068Paper\u2069</a>”" in message


# --- Reading stored papers again --------------------------------------------------------------


def test_a_link_that_opens_another_file_is_refused():
    def go_to_remote(writer):
        return writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/GoToR"),
                    NameObject("/F"): TextStringObject("\\\\attacker\\share\\x.pdf"),
                }
            )
        )

    with pytest.raises(ValidationError) as refused:
        ingest(changed_pdf(catalog={"/OpenAction": go_to_remote}))
    assert "a link that opens another file" in str(refused.value)
