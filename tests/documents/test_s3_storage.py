"""Media in an S3 bucket (django-storages), against a real S3-compatible server: moto's.

Papers, their previews, post images and renditions are written to the bucket and nothing to
MEDIA_ROOT; a download is still refused to whoever may not have the paper, still counted, and
sent either as a redirect to a short-lived signed address (the bytes come from the bucket) or
streamed by the app.
"""

import io
import urllib.error
import urllib.request
from email.message import Message
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from documents.models import Document
from documents.s3_storage import S3UploadStorage
from documents.storage import recording_writes
from news.renditions import make_renditions, rendition_url
from tests import s3
from tests.documents.conftest import body, content_of, downloads_of, get, ingest, make_staff_only
from tests.factories import make_post, pdf_bytes

# A real server (moto's) started once for the module: a few seconds, so with the slow tests.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131"


@pytest.fixture(scope="module")
def endpoint():
    with s3.s3_server() as address:
        yield address


@pytest.fixture
def bucket(endpoint, settings, request, tmp_path):
    name = s3.create_bucket(endpoint, f"papers-{request.node.name[:30].lower().replace('_', '-')}")
    settings.STORAGES = s3.storages(endpoint, name)
    # Anything written to the disk instead would land here, for the tests to see.
    settings.MEDIA_ROOT = tmp_path / "media"
    return name


@pytest.fixture
def paper(bucket):
    document = ingest(pdf_bytes(title="Recovery", padding=20_000), name="Recovery paper.pdf")
    document.visibility = Document.Visibility.PUBLIC
    document.save()
    return document


def fetch(url: str, **headers) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # nosec B310 # loopback
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_a_paper_and_its_previews_are_written_to_the_bucket_not_the_disk(
    endpoint, bucket, paper, settings
):
    assert isinstance(Document._meta.get_field("file").storage, S3UploadStorage)
    stored = s3.keys(endpoint, bucket)

    assert paper.file.name in stored
    assert paper.previews, "the upload should have made previews"
    assert {preview["name"] for preview in paper.previews} <= set(stored)
    assert not (settings.MEDIA_ROOT).exists()
    assert content_of(paper) == pdf_bytes(title="Recovery", padding=20_000)


def test_writes_are_recorded_for_undoing_a_failed_save(bucket):
    with recording_writes() as written:
        name = default_storage.save("papers/recorded.pdf", ContentFile(b"%PDF-"))

    assert written == [name]


def test_a_redirect_to_a_short_lived_signed_address_that_serves_the_paper(client, paper, settings):
    settings.DOCUMENTS_S3_DOWNLOADS = "redirect"
    settings.DOCUMENTS_S3_URL_SECONDS = 45

    response = get(client, paper, **{"User-Agent": BROWSER})

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["45"]
    assert "X-Amz-Signature" in query
    status, headers, data = fetch(location)
    assert status == 200
    assert data == content_of(paper)
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == f'attachment; filename="{paper.download_filename}"'
    assert downloads_of(paper) == 1


def test_the_bucket_refuses_the_file_without_a_signature(endpoint, bucket, paper):
    status, _, _ = fetch(f"{endpoint}/{bucket}/{paper.file.name}")

    assert status == 403


@pytest.mark.parametrize("mode", ["redirect", "proxy"])
def test_a_staff_only_paper_is_refused_and_not_counted(client, paper, settings, mode):
    settings.DOCUMENTS_S3_DOWNLOADS = mode
    make_staff_only(paper)

    response = get(client, paper, **{"User-Agent": BROWSER})

    assert response.status_code == 404
    assert "Location" not in response
    assert downloads_of(paper) == 0


@pytest.mark.parametrize("mode", ["redirect", "proxy"])
def test_head_and_a_revalidation_are_answered_by_the_app_and_not_counted(
    client, paper, settings, mode
):
    settings.DOCUMENTS_S3_DOWNLOADS = mode
    first = get(client, paper, **{"User-Agent": BROWSER})
    etag = first["ETag"] if mode == "proxy" else f'"{paper.sha256}"'

    again = get(client, paper, **{"User-Agent": BROWSER, "If-None-Match": etag})
    head = client.head(paper.get_download_url(), headers={"User-Agent": BROWSER})

    assert again.status_code == 304
    assert head.status_code in (200, 302)
    assert downloads_of(paper) == 1


def test_proxied_the_app_streams_the_paper_and_its_ranges_from_the_bucket(client, paper, settings):
    settings.DOCUMENTS_S3_DOWNLOADS = "proxy"
    content = content_of(paper)

    whole = get(client, paper, **{"User-Agent": BROWSER})
    part = get(client, paper, **{"User-Agent": BROWSER, "Range": "bytes=100-1099"})
    tail = get(client, paper, **{"User-Agent": BROWSER, "Range": "bytes=-10"})

    assert whole.status_code == 200
    assert body(whole) == content
    assert whole["Content-Length"] == str(len(content))
    assert whole["Content-Security-Policy"].startswith("sandbox")
    assert part.status_code == 206
    assert body(part) == content[100:1100]
    assert part["Content-Range"] == f"bytes 100-1099/{len(content)}"
    assert body(tail) == content[-10:]
    assert downloads_of(paper) == 1  # the later ranges are the same download


def test_a_paper_whose_object_is_gone_is_404_when_proxied(
    endpoint, bucket, client, paper, settings
):
    settings.DOCUMENTS_S3_DOWNLOADS = "proxy"
    s3.client(endpoint).delete_object(Bucket=bucket, Key=paper.file.name)

    assert get(client, paper, **{"User-Agent": BROWSER}).status_code == 404


def test_an_unknown_download_mode_is_an_error_that_names_the_setting(client, paper, settings):
    settings.DOCUMENTS_S3_DOWNLOADS = "teleport"

    with pytest.raises(Exception, match="DOCUMENTS_S3_DOWNLOADS"):
        get(client, paper, **{"User-Agent": BROWSER})


def test_a_preview_image_is_served_from_the_bucket(client, paper):
    preview = paper.previews[0]
    image_format = preview["name"].rsplit(".", 1)[-1].lower()
    url = reverse(
        "documents:preview",
        kwargs={"pk": paper.pk, "width": preview["width"], "image_format": image_format},
    )

    response = client.get(url)

    assert response.status_code == 200, url
    assert body(response) == default_storage.open(preview["name"], "rb").read()


def test_a_post_image_and_its_renditions_are_kept_in_the_bucket_and_served(
    endpoint, bucket, client, django_capture_on_commit_callbacks
):
    image = Image.new("RGB", (1000, 500), "blue")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    post = make_post(image=ContentFile(buffer.getvalue(), name="flag.jpg"), image_alt="A flag")
    with django_capture_on_commit_callbacks(execute=True):
        renditions = make_renditions(post)
    post.save()

    stored = s3.keys(endpoint, bucket)
    assert post.image.name in stored
    assert {rendition["name"] for rendition in renditions} <= set(stored)
    response = client.get(rendition_url(renditions[0]))
    assert response.status_code == 200
    assert body(response) == default_storage.open(renditions[0]["name"], "rb").read()
