"""Staff sessions end after a working day without a request, and on a password change; public
pages still set no cookie, so they stay cacheable."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.site.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def test_the_session_cookie_lasts_the_idle_limit(client, settings, staff_member):
    assert settings.STAFF_SESSION_IDLE_SECONDS == 8 * 60 * 60

    sign_in(client, "editor")
    response = client.get("/admin/")

    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 60 * 60


def test_a_working_day_idle_signs_staff_out(client, staff_member):
    sign_in(client, "editor")

    with time_machine.travel(timezone.now() + timedelta(hours=8, minutes=1), tick=False):
        response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_each_request_starts_the_idle_time_again(client, staff_member):
    sign_in(client, "editor")
    start = timezone.now()

    for hours in (6, 12, 18):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            assert client.get("/admin/").status_code == 200


def test_public_pages_set_no_cookie_and_stay_cacheable(client):
    response = client.get(reverse("news:home"))

    assert response.cookies == {}
    assert "public" in response["Cache-Control"]


def test_changing_the_password_ends_the_other_sessions(client, staff_member):
    elsewhere = Client()
    sign_in(client, "editor")
    sign_in(elsewhere, "editor", address="198.51.100.3")
    assert elsewhere.get("/admin/").status_code == 200

    changed = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new and long passphrase",
            "new_password2": "a new and long passphrase",
        },
    )

    assert changed.status_code == 302
    assert client.get("/admin/").status_code == 200  # the session that changed it stays
    assert elsewhere.get("/admin/").status_code == 302  # every other one has ended
