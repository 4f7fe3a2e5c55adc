"""The site's own system checks (imroc_site/checks.py): mistakes Django's checklist misses."""

import pytest
from django.core import checks

from imroc_site.checks import (
    FILES_READABLE_BY_OTHERS,
    MAIL_SENT_IN_REQUEST,
    SITE_URL_IS_LOCAL,
    check_mail_leaves_the_request,
    check_private_files,
    check_site_url,
    readable_by_others,
)

SMTP = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {}}}
CONSOLE = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def public_site(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["news.example.org"]
    return settings


@pytest.mark.parametrize(
    "site_url",
    ["http://localhost:8000", "http://127.0.0.1", "http://[::1]:8000/", "https://app.localhost"],
)
def test_site_url_at_localhost_on_a_public_site_is_an_error_with_a_hint(public_site, site_url):
    public_site.SITE_URL = site_url
    [error] = check_site_url(None)
    assert error.id == SITE_URL_IS_LOCAL and error.level == checks.ERROR
    assert "moderation emails" in error.msg and "SITE_URL" in error.hint


def test_site_url_at_the_public_address_passes(public_site):
    public_site.SITE_URL = "https://news.example.org"
    assert check_site_url(None) == []


def test_site_url_at_localhost_is_right_for_a_site_served_on_localhost(public_site):
    # `make run`: DEBUG off, served at 127.0.0.1, links to localhost reach it.
    public_site.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
    public_site.SITE_URL = "http://localhost:8000"
    assert check_site_url(None) == []


def test_site_url_at_localhost_with_debug_on_is_development(public_site):
    public_site.DEBUG = True
    public_site.SITE_URL = "http://localhost:8000"
    assert check_site_url(None) == []


def test_any_host_allowed_counts_as_public(public_site):
    public_site.ALLOWED_HOSTS = ["*"]
    public_site.SITE_URL = "http://localhost:8000"
    assert [error.id for error in check_site_url(None)] == [SITE_URL_IS_LOCAL]


def test_smtp_mail_sent_inside_the_request_is_a_warning_with_a_hint(settings):
    settings.MAILERS, settings.TASKS = SMTP, IMMEDIATE
    [warning] = check_mail_leaves_the_request(None)
    assert warning.id == MAIL_SENT_IN_REQUEST and warning.level == checks.WARNING
    assert "TASKS_QUEUE=database" in warning.hint


@pytest.mark.parametrize(("mailers", "tasks"), [(SMTP, QUEUED), (CONSOLE, IMMEDIATE)])
def test_queued_mail_or_console_mail_passes(settings, mailers, tasks):
    settings.MAILERS, settings.TASKS = mailers, tasks
    assert check_mail_leaves_the_request(None) == []


def test_both_checks_are_registered_with_djangos(public_site):
    public_site.SITE_URL = "http://localhost:8000"
    public_site.MAILERS, public_site.TASKS = SMTP, IMMEDIATE
    found = {message.id for message in checks.run_checks(tags=[checks.Tags.security])}
    assert {SITE_URL_IS_LOCAL, MAIL_SENT_IN_REQUEST} <= found


@pytest.fixture
def site_files(tmp_path):
    """A private var/ with its database file and an uploads folder."""
    folder = tmp_path / "var"
    folder.mkdir()
    folder.chmod(0o700)
    database = folder / "db.sqlite3"
    database.touch()
    database.chmod(0o600)
    media = folder / "media"
    media.mkdir()
    media.chmod(0o700)
    return database, media


def test_private_files_pass(site_files):
    assert readable_by_others(*site_files) == []


@pytest.mark.parametrize(("which", "mode"), [("database", 0o644), ("folder", 0o755)])
def test_a_database_readable_by_others_is_named(site_files, which, mode):
    database, media = site_files
    exposed = database if which == "database" else database.parent
    exposed.chmod(mode)
    assert readable_by_others(database, media) == [f"{exposed} ({mode:o})"]


def test_uploads_readable_by_others_are_named_but_the_web_servers_group_may_read(site_files):
    database, media = site_files
    media.chmod(0o755)
    assert readable_by_others(database, media) == [f"{media} (755)"]
    media.chmod(0o750)
    assert readable_by_others(database, media) == []


def test_uploads_readable_by_others_are_a_system_check_warning(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.MEDIA_ROOT.chmod(0o755)
    warnings = [w for w in check_private_files(None) if w.id == FILES_READABLE_BY_OTHERS]
    assert warnings and str(settings.MEDIA_ROOT) in warnings[0].msg
    assert "chmod" in warnings[0].hint
