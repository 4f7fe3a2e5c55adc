"""The papers' admin list, thumbnail, download chart and add form."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from documents.models import Document, DownloadDay
from documents.previews import find_preview
from tests.documents.conftest import (
    ingest,
    text_pdf,
)
from tests.factories import attach, make_post, pdf_bytes

pytestmark = pytest.mark.django_db


# --- The admin list and the download chart ----------------------------------------------------


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
    assert html.count('/change/">\u2068Post number') == 20  # the title isolated (FSI)


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
