"""Shared helpers and fixtures of the papers' tests: papers, requests, uploads, real servers.

Plain functions are imported by the test modules; fixtures are found by pytest.
"""

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from documents.ingest import ingest_upload
from documents.models import Document
from imroc_site.demo.pdf import make_pdf
from tests import servers
from tests.factories import make_document, pdf_bytes

# --- Downloads --------------------------------------------------------------------------------


SIZE_PADDING = 20_000  # a paper of about 20 KB, so ranges have room


@pytest.fixture
def paper():
    return make_document(
        title="Recovery: the Business Case", content=pdf_bytes(padding=SIZE_PADDING)
    )


def content_of(document: Document) -> bytes:
    with document.file.open("rb") as file:
        return file.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def downloads_of(document: Document) -> int:
    document.refresh_from_db()
    return document.download_count


def get(client, document, **headers):
    return client.get(document.get_download_url(), headers=headers)


# A person's browser: its downloads are counted (a crawler's are not).
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131"


def download(client, paper, times=1):
    """Download `paper` whole `times` times, as a person's browser does."""
    for _ in range(times):
        body(get(client, paper, **{"User-Agent": BROWSER}))


REDIS_URL = servers.REDIS_URL


@pytest.fixture
def spool(settings, tmp_path):
    """Downloads counted in a spool file (DOCUMENTS_COUNT_DOWNLOADS=spool) in a folder of
    the test's own."""
    settings.DOCUMENTS_COUNT_DOWNLOADS = "spool"
    settings.DOCUMENTS_COUNT_SPOOL = tmp_path / "spool"
    settings.DOCUMENTS_COUNT_FOLD_SECONDS = 60
    return tmp_path / "spool"


@pytest.fixture
def deferred(settings):
    """Downloads counted in the real Redis (DOCUMENTS_COUNT_DOWNLOADS=deferred), emptied
    before and after; skipped where Redis does not run."""
    connection = servers.emptied_redis("deferred counting is not tested")
    settings.REDIS_URL = REDIS_URL
    settings.DOCUMENTS_COUNT_DOWNLOADS = "deferred"
    yield connection
    connection.flushdb()


@pytest.fixture
def staff_only_paper():
    document = make_document(title="Internal", name="internal.pdf")
    document.visibility = Document.Visibility.STAFF
    document.save()
    return document


@pytest.fixture
def accented_paper():
    return make_document(title="Café paper", name="café paper.pdf")


# --- The site run for real, by tests/servers.py -----------------------------------------------


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A throw-away database on the engine the suite runs on: SQLite, or PostgreSQL's server."""
    with servers.throwaway_database(tmp_path_factory.mktemp("site"), "imroc_downloads") as url:
        yield url


@pytest.fixture(scope="module")
def real_site(tmp_path_factory, database_url):
    """A migrated site with papers on disk, not the test database: servers use it for real."""
    folder = tmp_path_factory.mktemp("downloads")
    env = servers.site_environment(folder, database_url)
    files = {}
    for key, padding in (("busy", 30_000), ("proxied", 20_000), ("internal", 0)):
        files[key] = folder / f"{key} paper.pdf"
        files[key].write_bytes(pdf_bytes(title=key, padding=padding))
    papers = servers.prepare_site(
        env,
        {
            "busy": ("A busy paper", files["busy"]),
            "proxied": ("Café – Sharing Our Experiences", files["proxied"]),
            "internal": ("Internal", files["internal"], "staff"),
        },
    )
    for key, paper in papers.items():
        paper["content"] = files[key].read_bytes()
    return {"env": env, "papers": papers, "folder": folder}


@pytest.fixture(scope="module")
def nginx_site(real_site):
    """nginx with the shipped deploy/nginx/ configuration, before gunicorn with x-accel-redirect."""
    if not servers.NGINX:
        pytest.skip("nginx is not installed (apt-get install nginx): deploy/nginx/ is untested")
    env = {**real_site["env"], "DOCUMENTS_SERVE_WITH": "x-accel-redirect"}
    app, app_port = servers.start_gunicorn(env, workers=1, threads=2)
    proxy_port = servers.free_port()
    config = servers.nginx_config(
        real_site["folder"],
        media_root=Path(env["MEDIA_ROOT"]),
        proxy_port=proxy_port,
        app_port=app_port,
        static_port=None,
    )
    try:
        nginx = servers.start_nginx(config, proxy_port)
    except Exception:
        servers.stop(app)
        raise
    yield proxy_port
    servers.stop(nginx, app)


# --- The library, a paper's page and its first-page image -------------------------------------


CARD_TITLE = re.compile(
    r'<article class="post-card paper-card">\s*<h2><a href="[^"]+"><bdi>([^<]*)</bdi></a>'
)


def make_paper(title="Recovery: the Business Case", *, days_ago=1, **fields) -> Document:
    """A public paper in the library, uploaded `days_ago`, with any other fields given."""
    paper = make_document(title=title, name=f"{title[:20]}.pdf")
    for name, value in fields.items():
        setattr(paper, name, value)
    paper.save()
    Document.objects.filter(pk=paper.pk).update(
        uploaded_at=timezone.now() - timedelta(days=days_ago)
    )
    paper.refresh_from_db()
    return paper


def make_staff_only(paper: Document) -> Document:
    paper.visibility = Document.Visibility.STAFF
    paper.save()
    return paper


def library(client, **params) -> str:
    response = client.get(reverse("documents:library"), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(html: str) -> list[str]:
    """The titles of the papers listed, in page order (as HTML: escaped)."""
    return CARD_TITLE.findall(html)


def page_of(client, paper: Document) -> str:
    response = client.get(paper.get_absolute_url())
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def store_previews(paper: Document, *names_and_widths) -> dict[str, bytes]:
    """Write first-page images for `paper` to storage and record them; their bytes by name."""
    stored = {}
    previews = []
    for width, extension in names_and_widths:
        name = default_storage.save(
            f"documents/previews/{paper.pk}/{width}.{extension}",
            ContentFile(f"{extension} image {width}".encode()),
        )
        stored[name] = f"{extension} image {width}".encode()
        previews.append({"width": width, "height": width * 1414 // 1000, "name": name})
    paper.previews = previews
    paper.save()
    return stored


def preview_address(paper, width, image_format="webp", **query):
    url = reverse(
        "documents:preview", kwargs={"pk": paper.pk, "width": width, "image_format": image_format}
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- Uploads ----------------------------------------------------------------------------------


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


def assert_refused_next_to_the_file_field(response, message: str) -> None:
    """The admin's upload came back with `message` by the file field alone, what was typed
    kept, and nothing saved."""
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["file"]
    assert message in " ".join(errors["file"])
    assert "Typed with care" in response.content.decode()
    assert not Document.objects.exists()
