"""The sign-in pages this site adds are valid HTML (W3C Nu validator): the lockout page, the
admin's sign-in with its code field, and the two-factor set-up page, on and off."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.site.conftest import assert_valid_html, current_code, needs_the_validator, sign_in

pytestmark = [pytest.mark.django_db, *needs_the_validator]


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
    assert_valid_html(sign_in_pages(client, staff_member), tmp_path)
