import json
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_post

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}


def _django(*args, env_extra=None, env_drop=("SECRET_KEY", "DEBUG")):
    import os

    env = {k: v for k, v in os.environ.items() if k not in env_drop}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_missing_secret_key_stops_start_up_with_one_line():
    result = _django("check", env_extra={"DEBUG": "false"})
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "SECRET_KEY is not set" in result.stderr and ".env.example" in result.stderr


def test_sqlite_is_set_up_for_a_web_server():
    if connection.vendor != "sqlite":
        pytest.skip("this run uses PostgreSQL")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.django_db
def test_sqlite_database_really_runs_in_wal_mode():
    if connection.vendor != "sqlite":
        pytest.skip("this run uses PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The test database lives in memory, where SQLite reports "memory"; a file reports "wal".
    assert mode in ("wal", "memory")


def test_locale_and_time_zone():
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.USE_TZ is True


def test_every_setting_is_documented_in_env_example():
    import re

    source = (ROOT / "imroc_site" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and read <= documented, read - documented


@pytest.mark.django_db
def test_error_pages_use_the_site_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "Skip to main content" in html


@pytest.mark.django_db
def test_anonymous_visitors_get_identical_cacheable_pages(client):
    post = make_post()
    for url in (reverse("news:home"), post.get_absolute_url()):
        # The reply form's time is rounded to the cache's lifetime: 20 s apart, same bytes.
        with time_machine.travel("2026-11-28 12:00:30Z", tick=False):
            first = client.get(url)
        with time_machine.travel("2026-11-28 12:00:50Z", tick=False):
            second = client.__class__().get(url)
        assert first.content == second.content
        assert not first.cookies
        assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]
        assert "Cookie" in first["Vary"]
        assert first["ETag"]


@pytest.mark.django_db
def test_unchanged_page_answers_304(client):
    url = make_post().get_absolute_url()
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.django_db
def test_pages_allow_nothing_from_other_origins(client):
    policy = client.get(reverse("news:home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


@pytest.mark.parametrize(
    "handler, status, heading",
    [
        ("bad_request", 400, "Bad request"),
        ("permission_denied", 403, "Not allowed"),
        ("server_error", 500, "Something went wrong"),
    ],
)
def test_other_error_pages_render_in_the_site_layout(rf, handler, status, heading):
    from django.views import defaults

    request = rf.get("/")
    view = getattr(defaults, handler)
    response = view(request) if handler == "server_error" else view(request, Exception())
    html = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html and "Skip to main content" in html
