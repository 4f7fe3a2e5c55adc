"""The sign-in pages, as staff meet them in a browser, pass axe: the admin's sign-in with its
code field, the two-factor set-up page (off, then on) and the lockout page (429)."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from .conftest import STAFF_PASSWORD, PageWatch, assert_no_axe_violations


def sign_in(page, username, password):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_sign_in_two_factor_and_lockout_pages_pass_axe(new_context, live_server, editor):
    context = new_context()
    page = context.new_page()
    watch = PageWatch(page, live_server.url)
    page.goto("/admin/login/")
    expect(page.get_by_label("Two-factor code")).to_be_visible()
    assert_no_axe_violations(page)

    sign_in(page, editor.username, STAFF_PASSWORD)
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(
        page.get_by_role("img", name="QR code that adds this site to an authenticator app")
    ).to_be_visible()
    assert_no_axe_violations(page)

    device = TOTPDevice.objects.get(user=editor)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Code from your app").fill(code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in is turned on.")).to_be_visible()
    assert_no_axe_violations(page)
    watch.assert_clean(page.url)
    context.close()

    stranger = new_context().new_page()
    for _ in range(5):
        sign_in(stranger, editor.username, "not the password")
    expect(stranger.get_by_role("heading", name="Too many sign-in attempts")).to_be_visible()
    assert_no_axe_violations(stranger)
