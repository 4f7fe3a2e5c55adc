"""Uploads fetched from the old site (--media-base-url) over real HTTP: what arrives is the
file itself, and a missing, too large or silent file is reported while the post still comes."""

import socket
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from documents.models import Document
from news.models import Post
from tests.wordpress.conftest import PAPER, SITE_EXPORT, counts_line, run_import

pytestmark = pytest.mark.django_db


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def old_site(uploads):
    """The old site's uploads, served by a real HTTP server on a free port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(uploads)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"  # the uploads folder at its root
    server.shutdown()
    server.server_close()


def test_files_are_fetched_from_the_old_site(old_site):
    output = run_import(SITE_EXPORT, "--media-base-url", old_site)
    paper = Document.objects.get()
    with paper.file.open("rb") as file:
        assert file.read() == PAPER
    assert Post.objects.get(slug="business-case").image
    assert "lost.pdf answered 404" in output
    assert counts_line(output, "paper") == ["1", "0", "0", "0", "2", "0"]


def test_a_file_over_the_upload_limit_is_not_fetched_whole(old_site, settings):
    settings.DOCUMENTS_MAX_UPLOAD_SIZE = 10_000  # the paper is about 20 KB
    output = run_import(SITE_EXPORT, "--media-base-url", old_site)
    assert "business-case.pdf is larger than the upload limit (10,000 bytes)" in output
    assert not Document.objects.exists()
    assert Post.objects.filter(slug="business-case").exists()  # the post comes all the same


def test_a_silent_server_is_given_up_on(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    try:
        base = f"http://127.0.0.1:{silent.getsockname()[1]}/wp-content/uploads"
        output = run_import(SITE_EXPORT, "--media-base-url", base, "--media-timeout", "0.5")
    finally:
        silent.close()
    assert "could not be fetched" in output and "timed out" in output
    assert Post.objects.filter(slug="business-case").exists()


def test_only_web_addresses_are_fetched():
    output = run_import(SITE_EXPORT, "--media-base-url", "file:///etc", expect_failure=True)
    assert "must start with http:// or https://" in output
