"""A paper's new versions (its address and old files kept) and deleting papers with their
files."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents import ingest as ingest_service
from documents.ingest import replace_file
from documents.models import Document, DocumentVersion
from tests.documents.conftest import (
    change_form_data,
    ingest,
    media,
    text_pdf,
)
from tests.factories import attach, make_document, make_post

pytestmark = pytest.mark.django_db


# --- Uploading a new version ------------------------------------------------------------------


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


# --- Deleting ---------------------------------------------------------------------------------


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
    assert "Spring newsletter\u2069</a>" in html and "Board papers\u2069</a>" in html
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


# --- Reading stored papers again --------------------------------------------------------------


def test_a_paper_may_take_back_one_of_its_own_earlier_files():
    first = text_pdf(title="First draft")
    document = ingest(first, title="Paper")
    replace_file(document, ContentFile(text_pdf(title="Final"), name="final.pdf"), by=None)

    replace_file(document, ContentFile(first, name="first.pdf"), by=None)  # a revert

    document.refresh_from_db()
    assert "First draft" in document.text and document.versions.count() == 2


def test_a_failed_store_leaves_no_file_behind(settings, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ingest_service, "_store_previews", broken)
    with pytest.raises(OSError):
        ingest(text_pdf())

    assert not Document.objects.exists()
    assert not any(path.is_file() for path in media(settings).rglob("*"))
