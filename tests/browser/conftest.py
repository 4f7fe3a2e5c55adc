"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Everything here needs a real browser, so these tests are skipped, with the reason, when
Chromium is missing. Playwright's own browser downloads are never used: the launch arguments
point Playwright at the system Chromium (or at $CHROMIUM_PATH).
"""

import importlib
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.db.migrations.executor import MigrationExecutor
from pypdf import PdfWriter

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
HERE = Path(__file__).resolve().parent

STAFF_PASSWORD = "correct-horse-battery-staple-42"

# The data migration that creates the staff groups; its name starts with a digit.
_GROUPS_MIGRATION = ("imroc_site", "0001_staff_groups")
_groups_migration = importlib.import_module("imroc_site.migrations.0001_staff_groups")


def pytest_collection_modifyitems(config, items):
    """Mark this folder's tests `browser`, and skip them when there is no Chromium to drive.

    This hook sees every collected test of the session, so it only touches those under here.
    """
    skip = pytest.mark.skip(
        reason=f"Debian's Chromium is not installed: apt-get install chromium "
        f"(looked for {CHROMIUM_PATH}; set CHROMIUM_PATH to use another binary)"
    )
    if os.environ.get("REQUIRE_BROWSER") and not CHROMIUM_PATH.exists():
        # CI sets REQUIRE_BROWSER: there a missing browser must fail the run, not skip it.
        raise pytest.UsageError(
            f"REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM_PATH}"
        )
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM_PATH.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Launch the system Chromium, headless, quiet, and without calling home."""
    return {
        "executable_path": str(CHROMIUM_PATH),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Every context opened by pytest-playwright resolves relative URLs against the live server."""
    return live_server.url


@pytest.fixture
def staff_groups(transactional_db):
    """The groups "Editors" and "Moderators", with their permissions, as the migration makes them.

    A live server needs `transactional_db`: the server thread must see committed rows. After
    each such test pytest-django flushes every table, which wipes the groups the data migration
    made (the flush's post_migrate signal brings back content types and permissions, not
    groups). `serialized_rollback=True` would restore them, but it also stops that signal, so
    tests running after ours would find no permissions at all. Instead we run the migration's
    own function again, against the historical models it was written for, when the groups are
    missing: the groups always match what the migration gives a real site.
    """
    if Group.objects.filter(name__in=_groups_migration.GROUPS).count() < len(
        _groups_migration.GROUPS
    ):
        from django.db import connection

        state = MigrationExecutor(connection).loader.project_state(_GROUPS_MIGRATION)
        _groups_migration.create_groups(state.apps, None)
    return {group.name: group for group in Group.objects.filter(name__in=_groups_migration.GROUPS)}


def _staff_user(django_user_model, username, group):
    user = django_user_model.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=STAFF_PASSWORD,
        is_staff=True,
    )
    user.groups.add(group)
    return user


@pytest.fixture
def fast_passwords(settings):
    """Logging in through the browser twice should not cost a second of PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(staff_groups, django_user_model, fast_passwords):
    """Staff who write posts and upload papers; log in with STAFF_PASSWORD."""
    return _staff_user(django_user_model, "edith.editor", staff_groups["Editors"])


@pytest.fixture
def moderator(staff_groups, django_user_model, fast_passwords):
    """Staff who approve replies; log in with STAFF_PASSWORD."""
    return _staff_user(django_user_model, "morris.moderator", staff_groups["Moderators"])


@pytest.fixture
def pdf_file(tmp_path):
    """A small, valid one-page PDF named business-case.pdf, ready to upload."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)  # A4 in points
    writer.add_metadata(
        {
            "/Title": "Recovery: the Business Case",
            "/Author": "ImROC",
            "/Subject": "A paper attached to a post in the browser tests",
        }
    )
    path = tmp_path / "business-case.pdf"
    with path.open("wb") as file:
        writer.write(file)
    return path


def assert_no_axe_violations(page):
    """Fail with axe-core's readable report if the page has any accessibility violation."""
    results = Axe().run(page)
    assert results.violations_count == 0, (
        f"axe found {results.violations_count} accessibility violation(s) on {page.url}:\n"
        f"{results.generate_report()}"
    )
