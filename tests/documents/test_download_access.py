"""Who may download a paper: staff-only papers are 404 for anyone else, however asked, and
paths that are not a paper's are 404."""

import os

import pytest
from django.urls import reverse

from documents.models import Document
from tests.documents.conftest import (
    body,
    content_of,
    downloads_of,
    get,
)
from tests.factories import make_document, make_staff

pytestmark = pytest.mark.django_db


# --- Who may download -------------------------------------------------------------------------


def test_staff_only_paper_is_404_for_anyone_else_however_asked(client, staff_only_paper):
    url = staff_only_paper.get_download_url()

    assert client.get(url).status_code == 404
    assert client.head(url).status_code == 404
    assert client.get(url, headers={"Range": "bytes=0-9"}).status_code == 404
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 404
    assert downloads_of(staff_only_paper) == 0


def test_staff_download_staff_only_papers_privately(client, staff_only_paper, django_user_model):
    client.force_login(make_staff(django_user_model, "Editors"))

    response = get(client, staff_only_paper)

    assert response.status_code == 200
    assert body(response) == content_of(staff_only_paper)
    assert response["Cache-Control"] == "private, no-cache"


def test_unknown_paper_is_404(client):
    assert client.get(reverse("documents:download", kwargs={"pk": 999})).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "../{pk}/download/",
        "{pk}/../{pk}/download/",
        "{pk}/download/../../../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd/download/",
        "{pk}%2F..%2F..%2Fsettings.py/download/",
        "-{pk}/download/",
        "{pk}.0/download/",
        "%2e%2e/{pk}/download/",
    ],
)
def test_paths_that_are_not_a_paper_id_are_404(client, paper, path):
    url = reverse("documents:library") + path.format(pk=paper.pk)

    assert client.get(url).status_code == 404
    assert downloads_of(paper) == 0


@pytest.mark.parametrize("serve_with", ["django", "x-accel-redirect", "x-sendfile"])
def test_a_stored_name_leaving_media_root_is_refused(client, paper, settings, serve_with):
    settings.DOCUMENTS_SERVE_WITH = serve_with
    Document.objects.filter(pk=paper.pk).update(file="../../../etc/passwd")

    response = get(client, paper)

    assert response.status_code == 400
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response
    assert downloads_of(paper) == 0


def test_a_missing_file_is_404_and_not_counted(client, paper):
    os.remove(paper.file.path)

    assert get(client, paper).status_code == 404
    assert downloads_of(paper) == 0


# --- For real: gunicorn's processes and threads, and nginx ------------------------------------


@pytest.mark.parametrize("title", ["Download", "Preview"])
def test_a_paper_titled_like_one_of_its_addresses_keeps_its_own_page(client, title):
    document = make_document(title=title, name="odd.pdf")
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
