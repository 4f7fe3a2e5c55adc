"""Two-factor sign-in (TOTP, django-otp): staff turn it on and off from the admin, the admin's
sign-in then asks for the code, and superusers can be required to use it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from comments.models import Comment
from comments.moderation_links import action_url
from tests.factories import make_comment, make_post
from tests.site.conftest import current_code, sign_in

pytestmark = pytest.mark.django_db

SETTINGS_PAGE = "/admin/two-factor/"


@pytest.fixture
def with_device(staff_member):
    return TOTPDevice.objects.create(user=staff_member, name="phone", confirmed=True)


def test_staff_without_two_factor_sign_in_with_their_password_alone(client, staff_member):
    response = sign_in(client, "editor")

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_set_up_page_shows_a_qr_code_drawn_here_and_the_secret(client, staff_member):
    client.force_login(staff_member)
    page = client.get(SETTINGS_PAGE)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # no image service is asked
    device = TOTPDevice.objects.get(user=staff_member, confirmed=False)
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert "Cache-Control" in page and "no-store" in page["Cache-Control"]


def test_a_wrong_first_code_turns_nothing_on(client, staff_member):
    client.force_login(staff_member)
    client.get(SETTINGS_PAGE)

    response = client.post(SETTINGS_PAGE, {"token": "000000"})

    assert response.status_code == 200
    assert "wrong or has expired" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff_member, confirmed=True).exists()


def test_the_first_right_code_turns_it_on(client, staff_member):
    client.force_login(staff_member)
    client.get(SETTINGS_PAGE)
    device = TOTPDevice.objects.get(user=staff_member)

    response = client.post(SETTINGS_PAGE, {"token": current_code(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200  # this session gave the code


def test_with_it_on_the_password_alone_is_not_enough(client, with_device):
    for code in ("", "123456"):
        response = sign_in(client, "editor", code=code)
        assert response.status_code == 200
        assert "current code from your authenticator app" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_with_it_on_the_password_and_the_code_sign_in(client, with_device):
    response = sign_in(client, "editor", code=current_code(with_device))

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_count_towards_the_lockout(client, with_device):
    statuses = [sign_in(client, "editor", code="000000").status_code for _ in range(5)]

    assert statuses == [200] * 4 + [429]


def test_it_is_turned_off_with_a_current_code_only(client, with_device, staff_member):
    sign_in(client, "editor", code=current_code(with_device))

    refused = client.post(SETTINGS_PAGE, {"token": "000000"})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=staff_member).exists()

    # A minute on: past django-otp's pause after a wrong code, and a new code is showing.
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        turned_off = client.post(SETTINGS_PAGE, {"token": current_code(with_device)})
    assert turned_off.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_member).exists()


def test_a_session_from_before_it_was_turned_on_is_signed_out(client, staff_member):
    other = client.__class__()
    sign_in(other, "editor")  # signed in with the password alone
    client.force_login(staff_member)
    client.get(SETTINGS_PAGE)
    device = TOTPDevice.objects.get(user=staff_member)
    client.post(SETTINGS_PAGE, {"token": current_code(device)})

    response = other.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get("/admin/").status_code == 200


def test_a_superuser_is_sent_to_set_it_up_when_required(client, settings, django_user_model):
    settings.OTP_REQUIRED_FOR_SUPERUSERS = True
    boss = django_user_model.objects.create_superuser("boss", password="x")
    client.force_login(boss)

    response = client.get("/admin/news/post/")
    assert response.status_code == 302
    assert response["Location"] == SETTINGS_PAGE
    page = client.get(SETTINGS_PAGE)
    assert "Superusers must use two-factor sign-in" in page.content.decode()

    device = TOTPDevice.objects.get(user=boss)
    client.post(SETTINGS_PAGE, {"token": current_code(device)})
    assert client.get("/admin/news/post/").status_code == 200


def test_superusers_need_not_set_it_up_unless_required(client, settings, django_user_model):
    settings.OTP_REQUIRED_FOR_SUPERUSERS = False
    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))

    assert client.get("/admin/news/post/").status_code == 200


def test_the_required_rule_leaves_other_staff_free_to_choose(client, settings, staff_member):
    settings.OTP_REQUIRED_FOR_SUPERUSERS = True
    client.force_login(staff_member)

    assert client.get("/admin/").status_code == 200


def test_visitors_are_sent_to_sign_in_from_the_set_up_page(client):
    response = client.get(SETTINGS_PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_never_shows_someone_elses_secret(client, django_user_model, with_device):
    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))

    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[with_device.pk]))

    assert page.status_code == 200
    assert with_device.key not in page.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{with_device.pk}/config/").status_code != 200


def test_a_moderation_link_is_a_staff_page_for_two_factor_too(client, settings, django_user_model):
    """A superuser who must use two-factor cannot act from an email's link before setting it
    up, nor can a session that never gave its code."""
    settings.OTP_REQUIRED_FOR_SUPERUSERS = True
    boss = django_user_model.objects.create_superuser("boss", password="x")
    comment = make_comment(make_post(), status=Comment.Status.PENDING)
    link = action_url(comment, "approve", boss).removeprefix(settings.SITE_URL)
    client.force_login(boss)

    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == SETTINGS_PAGE

    TOTPDevice.objects.create(user=boss, name="phone", confirmed=True)
    response = client.get(link)  # a device now, but this session never gave its code
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_session_that_never_gave_its_code_is_a_visitor_on_public_pages(
    client, staff_member, with_device
):
    client.force_login(staff_member)  # the password alone, as before two-factor was turned on
    post = make_post()

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous
    assert "_auth_user_id" not in client.session
