"""A paper uploaded from the post form in the background: the admin's checks, answered in JSON."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents.models import Document
from tests.documents.conftest import admin_upload, ingest, png_bytes
from tests.factories import make_staff, pdf_bytes

pytestmark = pytest.mark.django_db

URL = "admin:documents_document_upload_json"


def send(client, content: bytes, name="paper.pdf"):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(reverse(URL), {"file": upload})


def test_an_editor_uploads_a_paper_and_gets_its_accessibility_advice(client, django_user_model):
    editor = make_staff(django_user_model, "Editors")
    client.force_login(editor)

    response = send(client, pdf_bytes(title="Recovery in numbers"))

    assert response.status_code == 201
    document = Document.objects.get()
    answer = response.json()
    assert answer["value"] == str(document.pk)
    assert answer["obj"] == str(document) and document.title == "Recovery in numbers"
    assert answer["checked"] is True
    assert any("No tags: screen readers" in problem for problem in answer["problems"])
    assert answer["problems"] == document.accessibility_problems
    assert answer["change_url"] == reverse("admin:documents_document_change", args=[document.pk])
    # Stored as the admin's add form stores it: attached papers only, uploader recorded.
    assert document.visibility == Document.Visibility.WITH_POSTS
    assert document.uploaded_by == editor and document.page_count == 1 and document.file


def test_a_refused_file_gets_the_admin_forms_own_message(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Editors"))
    form_page = admin_upload(client, png_bytes(), title="Typed with care").content.decode()

    response = send(client, png_bytes())

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and all(error in form_page for error in errors)
    assert not Document.objects.exists()


def test_a_copy_is_refused_with_a_link_to_the_paper_already_there(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Editors"))
    content = pdf_bytes(title="Copy")
    existing = ingest(content, title="Already <here>")

    response = send(client, content)

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "already on the site" in error
    assert reverse("admin:documents_document_change", args=[existing.pk]) in error
    assert "Already &lt;here&gt;" in error and "<here>" not in error  # escaped for the page
    assert Document.objects.count() == 1


def test_only_staff_who_may_add_papers_upload(client, django_user_model):
    url = reverse(URL)
    upload = SimpleUploadedFile("paper.pdf", pdf_bytes(), content_type="application/pdf")
    assert client.post(url, {"file": upload}).status_code == 302  # to the admin's sign-in
    client.force_login(make_staff(django_user_model, "Moderators"))
    assert send(client, pdf_bytes()).status_code == 403
    client.force_login(make_staff(django_user_model, "Editors"))
    assert client.get(url).status_code == 405  # uploads only, never a page
    assert not Document.objects.exists()


def test_an_upload_without_the_csrf_token_is_refused(django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff(django_user_model, "Editors"))

    assert send(client, pdf_bytes()).status_code == 403

    assert not Document.objects.exists()
