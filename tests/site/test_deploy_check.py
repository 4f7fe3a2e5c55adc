"""deploy/production.env.example passes `make deploy-check` (Django's deployment checklist and
the site's own checks, any warning failing), and the check fails when the file goes wrong."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from imroc_site.settings import base

ROOT = Path(settings.BASE_DIR)
SHIPPED = ROOT / "deploy" / "production.env.example"
ENTRY = re.compile(r"^(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$", re.M)


def shipped_values() -> dict[str, str]:
    return {m["name"]: m["value"] for m in ENTRY.finditer(SHIPPED.read_text(encoding="utf-8"))}


def deploy_check(env_file: Path) -> subprocess.CompletedProcess:
    """The Makefile's own target, as an operator runs it."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    return subprocess.run(
        ["make", "--no-print-directory", "deploy-check", f"DEPLOY_ENV={env_file}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def changed(tmp_path, **values) -> Path:
    """A copy of the shipped file with some values changed."""
    text = SHIPPED.read_text(encoding="utf-8")
    for name, value in values.items():
        text, count = re.subn(rf"^{name}=.*$", f"{name}={value}", text, flags=re.M)
        assert count == 1, name
    path = tmp_path / "production.env"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_production_file_names_only_settings_the_site_reads():
    assert not set(shipped_values()) - set(base.env.defaults)


def test_the_production_file_sets_what_the_issue_asks_for():
    values = shipped_values()
    assert values["DEBUG"] == "false"
    assert int(values["SECURE_HSTS_SECONDS"]) >= 365 * 24 * 60 * 60
    assert values["SECURE_COOKIES"] == "true"
    assert values["SECURE_SSL_REDIRECT"] == "true" or values["HTTPS_REDIRECTED_BY_PROXY"] == "true"
    assert values["TASKS_QUEUE"] == "database"
    assert values["TRUSTED_PROXY_COUNT"] == "1"
    assert values["SITE_URL"].startswith("https://")
    # A secret is the operator's own: the shipped file never carries one to copy.
    assert values["SECRET_KEY"] == ""


@pytest.mark.slow
def test_the_shipped_production_file_passes_with_no_warning():
    result = deploy_check(SHIPPED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("values", "message_id"),
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_COOKIES": "false"}, "security.W012"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SITE_URL": "http://localhost:8000"}, "imroc_site.E001"),
        ({"TASKS_QUEUE": "immediate"}, "imroc_site.W001"),
    ],
)
def test_a_production_file_with_a_mistake_fails_the_check(tmp_path, values, message_id):
    result = deploy_check(changed(tmp_path, **values))
    assert result.returncode != 0
    assert message_id in result.stdout + result.stderr


@pytest.mark.slow
def test_a_proxy_that_redirects_to_https_itself_is_a_documented_choice(tmp_path):
    path = changed(tmp_path, SECURE_SSL_REDIRECT="false", HTTPS_REDIRECTED_BY_PROXY="true")
    result = deploy_check(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readmes_production_section_follows_the_shipped_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    assert "deploy/production.env.example" in section
    assert "make deploy-check" in section
    # Every setting the section tells the operator to set is one the settings read.
    named = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})(?:=[^`]*)?`", section))
    assert named and not named - set(base.env.defaults) - {"DEPLOY_ENV"}


@pytest.mark.slow
def test_uploads_left_readable_by_others_fail_the_check(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    media.chmod(0o755)
    result = deploy_check(changed(tmp_path, MEDIA_ROOT=str(media)))
    assert result.returncode != 0
    assert "imroc_site.W002" in result.stdout + result.stderr


# Committed rows: the health check's write check cannot share a test-wide transaction.
@pytest.mark.django_db(transaction=True)
def test_the_https_redirect_spares_the_health_check_only(client, settings):
    # A load balancer asks gunicorn directly, over plain HTTP and with no proxy headers.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    home = client.get("/")
    assert home.status_code == 301 and home["Location"].startswith("https://")
