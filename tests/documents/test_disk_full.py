"""Disk full during an upload in the admin: a form error, what was typed kept, no partial file
left and no row pointing at a missing file (issue 11, "Disk full"). The storage is the site's
own, on a disk that fills up a few bytes into the file (tests.faults.FullDiskStorage)."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document, DocumentVersion
from news.models import Post
from tests.factories import make_document, make_post, make_staff, pdf_bytes
from tests.faults import (
    FullAtPreviewsStorage,
    FullAtRenditionsStorage,
    FullDiskStorage,
    files_under,
    full_disk,
)
from tests.news.conftest import form_data, photo

pytestmark = pytest.mark.django_db


def a_pdf(name="paper.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(pages=2), content_type="application/pdf")


def assert_disk_full_error(response):
    assert response.status_code == 200  # the form again, not an error page
    html = response.content.decode()
    assert "The server&#x27;s disk is full; nothing was saved" in html
    return html


def test_a_new_paper_on_a_full_disk_is_refused_with_the_typed_fields_kept(admin_client, settings):
    full_disk(settings)
    response = admin_client.post(
        reverse("admin:documents_document_add"),
        {
            "title": "My careful title",
            "description": "Typed at length.",
            "visibility": "public",
            "file": a_pdf(),
        },
    )
    html = assert_disk_full_error(response)
    assert 'value="My careful title"' in html
    assert "Typed at length." in html
    assert not Document.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_paper_whose_previews_fill_the_disk_leaves_not_even_its_own_file(admin_client, settings):
    full_disk(settings, FullAtPreviewsStorage)
    response = admin_client.post(
        reverse("admin:documents_document_add"),
        {"title": "Stored, then not", "visibility": "public", "file": a_pdf()},
    )
    assert 'value="Stored, then not"' in assert_disk_full_error(response)
    assert not Document.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_new_version_on_a_full_disk_keeps_the_paper_as_it_was(admin_client, settings):
    paper = make_document(title="Version one")
    before = files_under(settings.MEDIA_ROOT)
    full_disk(settings)
    response = admin_client.post(
        reverse("admin:documents_document_change", args=[paper.pk]),
        {
            "title": "Version two",
            "visibility": paper.visibility,
            "file": a_pdf("new.pdf"),
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    assert 'value="Version two"' in assert_disk_full_error(response)
    paper.refresh_from_db()
    assert paper.title == "Version one"
    assert os.path.exists(paper.file.path)
    assert not DocumentVersion.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == before


@pytest.mark.parametrize("storage", [FullDiskStorage, FullAtRenditionsStorage])
def test_a_featured_image_on_a_full_disk_is_refused_with_the_post_unsaved(
    client, django_user_model, settings, storage
):
    client.force_login(make_staff(django_user_model, "Editors"))
    full_disk(settings, storage)
    image = SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg")
    data = form_data(title="A post with a photo", image=image, image_alt="Our team at work")
    response = client.post(reverse("admin:news_post_add"), data)
    html = assert_disk_full_error(response)
    assert 'value="A post with a photo"' in html
    assert "Our team at work" in html
    assert not Post.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_file_that_fills_the_disk_leaves_no_partial_file(settings):
    full_disk(settings)
    post = make_post(title="Plain")
    with pytest.raises(OSError, match="No space left"):
        post.image.save("photo.jpg", SimpleUploadedFile("photo.jpg", photo()), save=False)
    assert files_under(settings.MEDIA_ROOT) == []
