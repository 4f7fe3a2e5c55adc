"""Remembering, in the author's own browser, which pending replies are theirs."""

PENDING_COOKIE = "my_pending_replies"
_SALT = "comments.pending"
_MAX_REMEMBERED = 20
_MAX_AGE = 60 * 60 * 24 * 30


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
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
