"""Failed admin sign-ins are throttled (django-axes, in the database): per username and per
address, a 429 page saying when to try again, refused before any password hash is computed."""

import logging
import re
from datetime import datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.site.conftest import sign_in

pytestmark = pytest.mark.django_db


def fail(client, username, times, **where):
    return [sign_in(client, username, "wrong password", **where).status_code for _ in range(times)]


def test_five_failures_lock_the_username_out_with_a_page_saying_when(client, staff_member):
    assert fail(client, "editor", 4) == [200] * 4  # the form again, with its error
    locked = sign_in(client, "editor", "wrong password")

    assert locked.status_code == 429
    assert locked["Retry-After"] == "1800"
    page = locked.content.decode()
    assert "Too many sign-in attempts" in page
    assert "Try again after" in page and "30 minutes" in page
    assert "Skip to main content" in page  # the site's own layout
    stated = datetime.fromisoformat(re.search(r'<time datetime="([^"]+)"', page)[1])
    assert timedelta(minutes=30) <= stated - timezone.now() <= timedelta(minutes=31)
    assert sign_in(client, "editor").status_code == 429  # even with the right password


def test_the_username_is_locked_whatever_address_the_attempts_come_from(client, staff_member):
    for number in range(5):
        sign_in(client, "editor", "wrong password", address=f"198.51.100.{number}")

    assert sign_in(client, "editor", address="203.0.113.1").status_code == 429


def test_the_address_is_locked_whatever_usernames_it_tries(client, staff_member):
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong password", address="198.51.100.7")

    assert sign_in(client, "editor", address="198.51.100.7").status_code == 429
    assert sign_in(client, "editor", address="198.51.100.8").status_code == 302


def test_a_locked_out_attempt_computes_no_password_hash(client, staff_member, counting_hasher):
    fail(client, "editor", 4)
    assert counting_hasher.computed >= 4  # the check is real: a failure does cost a hash
    fail(client, "editor", 1)  # the fifth failure locks the username out

    counting_hasher.computed = 0
    assert sign_in(client, "editor").status_code == 429
    assert sign_in(client, "someone-else", address="192.0.2.10").status_code == 429
    assert counting_hasher.computed == 0


def test_the_address_is_the_visitors_behind_the_trusted_proxies(client, settings, staff_member):
    settings.TRUSTED_PROXY_COUNT = 1
    # The left entry was written by the client; only the proxy's own entry counts.
    fail(client, "editor", 1, address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]


def test_attempts_are_logged_under_the_axes_logger(client, staff_member, caplog):
    with caplog.at_level(logging.INFO, logger="axes"):
        fail(client, "editor", 1, address="198.51.100.20")

    logged = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert any("editor" in line and "198.51.100.20" in line for line in logged), logged


def test_signing_in_to_ones_own_account_does_not_reset_the_count(
    client, staff_member, django_user_model
):
    django_user_model.objects.create_user("mallory", password="her own", is_staff=True)
    fail(client, "editor", 4, address="198.51.100.66")
    assert sign_in(client, "mallory", "her own", address="198.51.100.66").status_code == 302
    client.logout()

    assert fail(client, "editor", 1, address="198.51.100.66") == [429]


def test_unlock_sign_in_lifts_a_username_lockout(client, staff_member, capsys):
    fail(client, "editor", 5)

    call_command("unlock_sign_in", username=["editor"])

    assert "1 failed attempt record(s) removed" in capsys.readouterr().out
    assert sign_in(client, "editor").status_code == 302


def test_unlock_sign_in_lifts_an_address_lockout(client, staff_member):
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong password", address="198.51.100.7")

    call_command("unlock_sign_in", address=["198.51.100.7"])

    assert sign_in(client, "editor", address="198.51.100.7").status_code == 302


def test_unlock_sign_in_needs_a_username_or_an_address():
    with pytest.raises(CommandError):
        call_command("unlock_sign_in")
