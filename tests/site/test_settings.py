"""The settings as the site starts with them: the secret key, SQLite tuned, locale."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


def _django(*args, env_extra=None, env_drop=("SECRET_KEY", "DEBUG")):
    env = {k: v for k, v in os.environ.items() if k not in env_drop}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_missing_secret_key_stops_start_up_with_one_line():
    result = _django("check", env_extra={"DEBUG": "false"})
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "SECRET_KEY is not set" in result.stderr and ".env.example" in result.stderr


def test_a_release_name_that_would_break_cache_keys_or_etags_stops_start_up():
    result = _django("check", env_extra={"DEBUG": "true", "RELEASE": 'v1 "beta"'})
    assert result.returncode == 1
    assert "RELEASE='v1 \"beta\"': use letters, digits" in result.stderr
    named = _django("check", env_extra={"DEBUG": "true", "RELEASE": "2026.12.1-rc_2"})
    assert named.returncode == 0, named.stderr


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
