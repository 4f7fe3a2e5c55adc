"""The headers a download carries: Content-Disposition (Django's), inline mode, and handing the
bytes to the web server in front (X-Accel-Redirect, X-Sendfile)."""

import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.documents.conftest import (
    downloads_of,
    get,
)
from tests.factories import make_document

pytestmark = pytest.mark.django_db


# --- Content-Disposition ----------------------------------------------------------------------


def test_a_non_ascii_title_gets_an_rfc_6266_filename_star(client):
    # Django's content_disposition_header: the exact name, percent-encoded UTF-8 (the
    # hand-made ASCII `filename=` look-alike before it is gone with the transliteration).
    document = make_document(title="Co-production – Sharing Our Experiences à Café")

    disposition = get(client, document)["Content-Disposition"]

    assert disposition == (
        "attachment; filename*=utf-8''Co-production%20%E2%80%93%20Sharing%20Our%20Experiences%20"
        "%C3%A0%20Caf%C3%A9.pdf"
    )


def test_quotes_and_newlines_in_a_title_cannot_inject_headers(client):
    document = make_document(title='Evil "name"\r\nX-Injected: yes/../../etc')

    response = get(client, document)

    assert (
        response["Content-Disposition"]
        == 'attachment; filename="Evil name X-Injected yes .. .. etc.pdf"'
    )
    assert "X-Injected" not in {key for key, _ in response.items()}


@pytest.mark.parametrize(
    "title",
    [
        "Plain",
        "Ünïcödé “quoted” ‘single’ — dash…",
        "回復への道",
        "Straße Œuvre",
        'back\\slash "quote"',
        "Emoji 📄 paper",
        '"/\\',  # nothing left of it: "document"
    ],
)
def test_the_browser_is_given_the_file_name_exactly(client, title):
    document = make_document(title=title)

    kind, _, name = get(client, document)["Content-Disposition"].partition("; ")

    assert kind == "attachment"
    if name.startswith("filename*="):
        assert unquote(name.removeprefix("filename*=utf-8''")) == document.download_filename
    else:
        assert name == f'filename="{document.download_filename}"'


def test_filename_star_is_percent_encoded_so_nothing_ends_the_header(client):
    document = make_document(title='a\r\nb"c;d=é')

    disposition = get(client, document)["Content-Disposition"]

    assert "\r" not in disposition and "\n" not in disposition
    assert disposition == "attachment; filename*=utf-8''a%20b%20c%3Bd%3D%C3%A9.pdf"


# --- Inline -----------------------------------------------------------------------------------


def test_inline_mode_opens_pdfs_in_the_browser_under_a_sandbox(client, paper, settings):
    settings.DOCUMENTS_INLINE = True

    response = get(client, paper)

    assert response["Content-Disposition"] == 'inline; filename="Recovery the Business Case.pdf"'
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_inline_mode_still_downloads_other_formats(client, paper, settings):
    settings.DOCUMENTS_INLINE = True
    paper.content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    paper.save()

    assert get(client, paper)["Content-Disposition"].startswith("attachment;")


# --- Handing the bytes to the web server ------------------------------------------------------


def test_x_accel_redirect_hands_the_file_to_nginx_with_our_headers(
    client, accented_paper, settings
):
    settings.DOCUMENTS_SERVE_WITH = "x-accel-redirect"
    settings.DOCUMENTS_ACCEL_PREFIX = "/protected-media/"
    assert accented_paper.file.name == "documents/café_paper.pdf"

    response = get(client, accented_paper)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/documents/caf%C3%A9_paper.pdf"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Caf%C3%A9%20paper.pdf"
    assert response["ETag"] and response["Last-Modified"]
    assert response["Cache-Control"] == "private, no-cache"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Accept-Ranges" not in response  # nginx adds its own
    assert downloads_of(accented_paper) == 1


def test_x_accel_redirect_leaves_ranges_to_nginx_but_counts_as_we_do(client, paper, settings):
    settings.DOCUMENTS_SERVE_WITH = "x-accel-redirect"

    first = get(client, paper, Range="bytes=0-99")
    later = get(client, paper, Range="bytes=100-199")
    head = client.head(paper.get_download_url())

    for response in (first, later, head):
        assert response.status_code == 200
        assert response["X-Accel-Redirect"].endswith("documents/paper.pdf")
        assert "Content-Range" not in response
    assert downloads_of(paper) == 1


def test_x_accel_redirect_answers_304_and_416_itself(client, paper, settings):
    settings.DOCUMENTS_SERVE_WITH = "x-accel-redirect"
    etag = get(client, paper)["ETag"]

    not_modified = get(client, paper, **{"If-None-Match": etag})
    past_the_end = get(client, paper, Range=f"bytes={paper.size}-")

    assert not_modified.status_code == 304 and "X-Accel-Redirect" not in not_modified
    assert past_the_end.status_code == 416 and "X-Accel-Redirect" not in past_the_end
    assert downloads_of(paper) == 1


def test_x_accel_redirect_never_for_a_paper_the_visitor_may_not_have(
    client, staff_only_paper, settings
):
    settings.DOCUMENTS_SERVE_WITH = "x-accel-redirect"

    response = get(client, staff_only_paper)

    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_x_sendfile_gives_the_absolute_path(client, accented_paper, settings):
    settings.DOCUMENTS_SERVE_WITH = "x-sendfile"

    response = get(client, accented_paper)

    assert response.status_code == 200
    assert response.content == b""
    # Header values are bytes on the wire: these are the path's own UTF-8 bytes.
    assert response["X-Sendfile"].encode("latin-1") == os.fsencode(accented_paper.file.path)
    assert Path(accented_paper.file.path).is_absolute()
    assert response["Content-Disposition"].startswith("attachment;")
    assert downloads_of(accented_paper) == 1


def test_an_unknown_serve_with_fails_loudly(client, paper, settings):
    settings.DOCUMENTS_SERVE_WITH = "nginx"

    with pytest.raises(ImproperlyConfigured, match="DOCUMENTS_SERVE_WITH"):
        get(client, paper)
