"""Two-factor sign-in for staff (TOTP codes from an authenticator app, through django-otp).

Who must use it, setting it up, turning it off, and the admin sign-in form that asks for the
code: staff with a confirmed device give a code after their password; superusers must set one
up when OTP_REQUIRED_FOR_SUPERUSERS is on. The QR code is drawn here, never by a web service.
"""

import base64
import io
from base64 import b32encode

import django_otp
import qrcode
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

DEVICE_NAME = "Authenticator app"
CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8, "maxlength": 8}
)


def confirmed_device(user) -> TOTPDevice | None:
    """The user's working authenticator, or None when two-factor sign-in is off for them."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def required_of(user) -> bool:
    """Whether the site requires two-factor sign-in of this user (superusers, by a setting)."""
    return settings.OTP_REQUIRED_FOR_SUPERUSERS and user.is_superuser


def must_set_up(user) -> bool:
    """A user the site requires it of, without an authenticator yet."""
    return required_of(user) and confirmed_device(user) is None


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up: its secret is kept until it is confirmed with a code."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed in (base32, in groups of four)."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code, inline (no image is fetched)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _verified(device: TOTPDevice, token: str) -> bool:
    # In a transaction so django-otp's throttling of wrong codes is counted reliably.
    with transaction.atomic():
        return bool(token) and device.verify_token(token.replace(" ", ""))


def enable(request, *, token: str) -> bool:
    """Turn two-factor sign-in on with a first code; this session counts as verified."""
    device = pending_device(request.user)
    if not _verified(device, token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    django_otp.login(request, device)
    return True


def disable(request, *, token: str) -> bool:
    """Turn two-factor sign-in off, proven by a current code (a stolen session is not enough)."""
    device = confirmed_device(request.user)
    if device is None or not _verified(device, token):
        return False
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    return True


class TwoFactorAdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form with a code field, required only of staff who turned it on."""

    otp_token = forms.CharField(
        label="Two-factor code",
        required=False,
        widget=CODE_WIDGET,
        help_text="The six digits your authenticator app shows, if you turned two-factor "
        "sign-in on. Leave it empty otherwise.",
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        device = confirmed_device(user) if user else None
        if device is None:
            return cleaned
        token = cleaned.get("otp_token", "")
        if not _verified(device, token):
            # A wrong code counts as a failed sign-in, so guessing codes is throttled too.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": cleaned.get("username")},
                request=self.request,
            )
            raise forms.ValidationError(
                "Enter the current code from your authenticator app: this one is missing, "
                "wrong or has expired.",
                code="invalid_token",
            )
        # django-otp's user_logged_in receiver records the device in the new session.
        user.otp_device = device  # type: ignore[attr-defined]  # django-otp's own attribute
        return cleaned
