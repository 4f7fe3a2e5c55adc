"""gunicorn on a real unix socket: requests with no client address share one flood limit."""

import http.client
import socket
import sqlite3
import subprocess
import time
from urllib.parse import urlencode

import pytest
from django.conf import settings

from comments.rules import TOO_FAST
from tests.comments.conftest import form_data
from tests.servers import GUNICORN, ROOT, manage, site_environment

pytestmark = pytest.mark.slow

_ADD_POST = (
    "import django; django.setup(); from tests.factories import make_post; print(make_post().pk)"
)


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(str(self.socket_path))


def _serve_on(socket_path, env) -> subprocess.Popen:
    command = [GUNICORN, "imroc_site.wsgi", "--bind", f"unix:{socket_path}", "--workers", "1"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(str(socket_path))
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("gunicorn did not listen on its unix socket")


def _post(socket_path, post_id, text) -> tuple[int, str]:
    connection = UnixHTTPConnection(socket_path)
    connection.request(
        "POST",
        f"/comments/post/{post_id}/",
        body=urlencode(form_data(text=text)),
        headers={"Host": "localhost", "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


def test_replies_over_a_unix_socket_share_one_flood_limit(tmp_path):
    database = tmp_path / "site.sqlite3"
    # The test's own key, so the form's signed time made here is valid there.
    env = site_environment(tmp_path, f"sqlite:///{database}", SECRET_KEY=settings.SECRET_KEY)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    post_id = int(manage(env, "-c", _ADD_POST).stdout.strip())
    socket_path = tmp_path / "gunicorn.sock"
    server = _serve_on(socket_path, env)
    try:
        assert _post(socket_path, post_id, "First words over the socket.")[0] == 302
        status, body = _post(socket_path, post_id, "Second words, straight after.")
    finally:
        server.terminate()
        server.wait(10)
    assert status == 200 and TOO_FAST in body
    with sqlite3.connect(database) as db:
        addresses = db.execute("SELECT ip_address FROM comments_comment").fetchall()
    assert addresses == [(None,)]
