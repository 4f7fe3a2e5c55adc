"""What the visitor's own browser remembers: their replies awaiting a decision, and, only if
they ask, their name, email and website for the next reply."""

import json

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


def remember_pending(request, response, comment_id: int) -> None:
    ids = [*own_pending_ids(request), comment_id][-_MAX_REMEMBERED:]
    response.set_signed_cookie(
        PENDING_COOKIE,
        ",".join(map(str, ids)),
        salt=_SALT,
        max_age=_MAX_AGE,
        **_cookie_options(request),
    )


def remembered_author(request) -> dict:
    """Name, email and website saved by ticking "Save my name…", or nothing."""
    value = request.get_signed_cookie(
        AUTHOR_COOKIE, default="", salt=_AUTHOR_SALT, max_age=_AUTHOR_MAX_AGE
    )
    try:
        details = json.loads(value) if value else {}
    except ValueError:
        return {}
    if not isinstance(details, dict):
        return {}
    return {key: str(details.get(key, "")) for key in ("name", "email", "website")}


def remember_author(request, response, details: dict | None) -> None:
    """Save the details when the box was ticked; forget any saved ones when it was not."""
    if details is None:
        if AUTHOR_COOKIE in request.COOKIES:
            response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
        return
    response.set_signed_cookie(
        AUTHOR_COOKIE,
        json.dumps({key: details.get(key, "") for key in ("name", "email", "website")}),
        salt=_AUTHOR_SALT,
        max_age=_AUTHOR_MAX_AGE,
        **_cookie_options(request),
    )
