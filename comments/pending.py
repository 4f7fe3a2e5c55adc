"""What the visitor's own browser remembers: their replies awaiting a decision, and, only if
they ask, their name, email and website for the next reply (encrypted, not only signed)."""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

PENDING_COOKIE = "my_pending_replies"
AUTHOR_COOKIE = "comment_author"
_SALT = "comments.pending"
_AUTHOR_SALT = "comments.author"
_MAX_REMEMBERED = 20
_MAX_AGE = 60 * 60 * 24 * 30
_AUTHOR_MAX_AGE = 60 * 60 * 24 * 365


def _cookie_options(request) -> dict:
    return {"httponly": True, "samesite": "Lax", "secure": request.is_secure()}


def own_pending_ids(request) -> list[int]:
    value = request.get_signed_cookie(PENDING_COOKIE, default="", salt=_SALT, max_age=_MAX_AGE)
    return [int(part) for part in value.split(",") if part.isdigit()]


def remember_pending(request, response, ids: list[int]) -> None:
    """Keep these ids (the ones already remembered, as own_pending_ids read them, and the new
    one last) in the browser, the newest _MAX_REMEMBERED: the cookie is read once a request."""
    response.set_signed_cookie(
        PENDING_COOKIE,
        ",".join(map(str, ids[-_MAX_REMEMBERED:])),
        salt=_SALT,
        max_age=_MAX_AGE,
        **_cookie_options(request),
    )


def _key_bytes(secret: str) -> bytes:
    # 32 bytes, as Fernet needs: SHA-256, never the shorter SHA-1 default.
    return salted_hmac(_AUTHOR_SALT, "fernet", secret=secret, algorithm="sha256").digest()


def _author_cipher() -> MultiFernet:
    """Fernet keyed from SECRET_KEY (and its fallbacks, so rotating the key forgets nothing)."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_key_bytes(key))) for key in keys])


def remembered_author(request) -> dict:
    """Name, email and website saved by ticking "Save my name…", or nothing."""
    token = request.COOKIES.get(AUTHOR_COOKIE, "")
    try:
        value = _author_cipher().decrypt(token.encode(), ttl=_AUTHOR_MAX_AGE) if token else b""
        details = json.loads(value) if value else {}
    except (InvalidToken, ValueError):
        # Tampered with, expired, or a signed cookie from before they were encrypted.
        return {}
    if not isinstance(details, dict):
        return {}
    return {key: str(details.get(key, "")) for key in ("name", "email", "website")}


def remember_author(request, response, details: dict | None) -> None:
    """Save the details when the box was ticked; forget any saved ones when it was not.

    Encrypted, not only signed: a signed cookie's value is plain text anyone can read, and
    the email address must not be readable from the browser's files, a shared computer or a
    log.
    """
    if details is None:
        if AUTHOR_COOKIE in request.COOKIES:
            response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
        return
    plain = json.dumps({key: details.get(key, "") for key in ("name", "email", "website")})
    response.set_cookie(
        AUTHOR_COOKIE,
        _author_cipher().encrypt(plain.encode()).decode(),
        max_age=_AUTHOR_MAX_AGE,
        **_cookie_options(request),
    )
