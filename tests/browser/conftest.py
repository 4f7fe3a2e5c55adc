"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Everything here needs a real browser, so these tests are skipped, with the reason, when
Chromium is missing. Playwright's own browser downloads are never used: the launch arguments
point Playwright at the system Chromium (or at $CHROMIUM_PATH).
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfWriter

from tests import migration_data

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
HERE = Path(__file__).resolve().parent

STAFF_PASSWORD = "correct-horse-battery-staple-42"


# Hosts a page may load anything from: the live server's own, and nothing else.
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def pytest_collection_modifyitems(config, items):
    """Mark this folder's tests `browser` and `slow`, and skip them when there is no Chromium.

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
        item.add_marker(pytest.mark.slow)  # a browser and a live server: `make test-fast` skips
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
    """The groups "Editors" and "Moderators", with their permissions, as the migration makes
    them (a live server's test runs after a flush: see tests/migration_data.py)."""
    return migration_data.ensure_staff_groups()


@pytest.fixture
def site_categories(transactional_db):
    """The categories News and Events, as the data migration makes them."""
    return migration_data.ensure_categories()


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


def fill_reply(page, name: str, email: str, text: str | None, *, within=None) -> None:
    """Fill in the reply form (the page's own, or `within` another); None leaves Comment empty."""
    form = within or page.locator("#respond")
    form.get_by_role("textbox", name="Name", exact=True).fill(name)
    form.get_by_role("textbox", name="Email", exact=True).fill(email)
    if text is not None:
        form.get_by_role("textbox", name="Comment", exact=True).fill(text)


def assert_no_axe_violations(page):
    """Fail with axe-core's readable report if the page has any accessibility violation."""
    results = Axe().run(page)
    assert results.violations_count == 0, (
        f"axe found {results.violations_count} accessibility violation(s) on {page.url}:\n"
        f"{results.generate_report()}"
    )


@dataclass
class PageWatch:
    """What a page did behind the scenes: console errors, uncaught errors, CSP reports, requests.

    Chromium reports a Content Security Policy refusal as a console error; the page's own
    `securitypolicyviolation` events are collected as well, so no violation goes unnoticed.
    """

    page: object
    origin: str  # the live server's URL: every request must go there
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    # Addresses expected to answer with an error status (a 404 page), whose console line is
    # Chromium's report of that status, not a fault of the page.
    expected_failures: set[str] = field(default_factory=set)

    _CSP_LISTENER = """
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", (event) => {
            window.__cspViolations.push(
                `${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
            );
        });
    """

    def __post_init__(self):
        self.page.add_init_script(self._CSP_LISTENER)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _on_console(self, message):
        if message.type not in ("error", "assert"):
            return
        failed_url = message.location.get("url") if message.location else None
        if message.text.startswith("Failed to load resource") and self._expected(failed_url):
            return
        where = f" (at {failed_url})" if failed_url else ""
        self.errors.append(f"console.{message.type}: {message.text}{where}")

    def expect_failure(self, path_or_url: str) -> None:
        """The next load of this address is meant to fail (a 404 page, say): not an error."""
        self.expected_failures.add(path_or_url)

    def _expected(self, url: str | None) -> bool:
        if not url:
            return False
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return url in self.expected_failures or path in self.expected_failures

    def _is_local(self, url: str) -> bool:
        """On the live server (by either of its names), or inline data that needs no network."""
        parts, server = urlsplit(url), urlsplit(self.origin)
        if parts.scheme in ("data", "blob"):
            return True
        return parts.hostname in LOCAL_HOSTS and parts.port == server.port

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def assert_clean(self, what: str) -> None:
        """No error of any kind so far, and no request that left the live server."""
        problems = self.errors + [f"CSP: {violation}" for violation in self.csp_violations()]
        assert not problems, f"{what}: errors in the browser:\n" + "\n".join(problems)
        elsewhere = [url for url in self.requests if not self._is_local(url)]
        assert not elsewhere, f"{what}: requests left the live server:\n" + "\n".join(elsewhere)
