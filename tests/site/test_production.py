"""The site as visitors get it: gunicorn, DEBUG off, WhiteNoise, collected static files."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


# Real servers (gunicorn, a migrated database, collected static files): seconds, not millis.
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DEBUG="false",
        SECRET_KEY="production-like-test-key",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.update(extra)
    return env


def _serve(env):
    port = _free_port()
    server = subprocess.Popen(
        [GUNICORN, "imroc_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    server.kill()
    pytest.fail(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    env = _environment(tmp_path)
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    server, url = _serve(env)
    yield url
    server.terminate()
    server.wait(10)


def test_home_page_is_served_with_hashed_compressed_static_files(site):
    status, _, body = _get(site + "/")
    assert status == 200
    stylesheet = re.search(rb'href="(/static/imroc_site/site\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "the stylesheet is not served under a hashed name"

    status, headers, _ = _get(site + stylesheet.group(1).decode(), {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers.get("Cache-Control", "")


def test_unknown_page_gets_our_own_404(site):
    status, _, body = _get(site + "/no/such/page/")
    assert status == 404
    assert b"Page not found" in body and b"Skip to main content" in body
    assert b"Traceback" not in body and b"DEBUG" not in body


def test_healthz_is_ok_when_the_database_answers(site):
    status, _, body = _get(site + "/healthz")
    assert (status, body) == (200, b'{"status": "ok", "database": "ok"}')


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    # A PostgreSQL address where nothing listens: a real, unreachable database.
    env = _environment(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    server, url = _serve(env)
    try:
        status, _, body = _get(url + "/healthz")
    finally:
        server.terminate()
        server.wait(10)
    assert status == 503
    assert b'"database": "the database cannot be written"' in body
