"""PDFs made to harm their readers: links out of the web, embedded files, junk before the header.

Each is a real PDF written with pypdf, uploaded through the admin form as staff would.
"""

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

from tests.documents.conftest import (
    action,
    admin_upload,
    assert_refused_next_to_the_file_field,
    changed_pdf,
    ingest,
    text_pdf,
)

pytestmark = pytest.mark.django_db


def linked_pdf(uri: str) -> bytes:
    """A real PDF whose first page has a link annotation to `uri`."""
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): action("/URI", URI=uri),
        }
    )
    return changed_pdf(first_page={"/Annots": ArrayObject([link])})


def with_attachment() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf())))
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


REFUSED = [
    ("UNC path", lambda: linked_pdf("\\\\attacker.test\\share\\x.pdf"), "a network share"),
    ("UNC as slashes", lambda: linked_pdf("//attacker.test/share/x.pdf"), "a network share"),
    ("file URL", lambda: linked_pdf("file://attacker.test/share/x.pdf"), "own computer"),
    ("smb scheme", lambda: linked_pdf("smb://attacker.test/share"), "not to a web page"),
    ("javascript scheme", lambda: linked_pdf("javascript:alert(1)"), "not to a web page"),
    ("program scheme", lambda: linked_pdf("ms-msdt:/id PCWDiagnostic"), "not to a web page"),
    ("relative link", lambda: linked_pdf("other.pdf"), "not to a web page"),
    (
        "link as the open action",
        lambda: changed_pdf(catalog={"/OpenAction": action("/URI", URI="smb://attacker.test/x")}),
        "not to a web page",
    ),
    ("embedded file", with_attachment, "contains an embedded file"),
    ("junk before the header", lambda: b"<html><!-- -->\n" + text_pdf(), "15 bytes of something"),
    ("a byte before the header", lambda: b" " + text_pdf(), "1 bytes of something"),
]


@pytest.mark.parametrize("kind, make_content, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_hostile_pdf_is_refused_with_the_reason_next_to_the_file_field(
    admin_client, kind, make_content, message
):
    response = admin_upload(admin_client, make_content(), description="Typed with care")
    assert_refused_next_to_the_file_field(response, message)


@pytest.mark.parametrize(
    "uri", ["https://imroc.org/papers/", "http://example.org/a?b=c", "mailto:team@imroc.org"]
)
def test_links_to_the_web_and_to_an_email_address_are_accepted(uri):
    document = ingest(linked_pdf(uri))

    assert document.pk and document.page_count


def test_embedded_files_are_accepted_when_the_setting_allows(settings):
    settings.DOCUMENTS_ALLOW_EMBEDDED_FILES = True

    document = ingest(with_attachment())

    assert document.pk and document.page_count


def test_the_same_pdf_without_junk_before_its_header_is_accepted():
    document = ingest(text_pdf())

    assert document.pk and document.page_count
