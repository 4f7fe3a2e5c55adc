import functools
import hashlib
import re

from django import template
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html, linebreaks, urlize
from django.utils.safestring import mark_safe

from comments.client import form_issued_token
from comments.forms import CommentForm
from comments.models import Comment
from comments.moderators import may_moderate
from comments.pending import own_pending_ids, remembered_author
from comments.policy import ReplyPolicy
from comments.threads import discussion_page

register = template.Library()

# How many avatar tones site.css defines (.avatar.tone-0 …), each with AA contrast.
AVATAR_TONES = 7


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, post):
    """Replies under a post, in threads and pages, and the "Leave a Reply" form.

    What is the same for every visitor (the replies, a blank form) is a fragment
    (news/content_cache.py): the discussion is read only when one must be rendered."""
    request = context["request"]
    policy = ReplyPolicy.current()
    bound_form = context.get("comment_form")
    # After an error, show the page holding the reply being answered; else the one asked for.
    replying_to = _as_int(
        bound_form["parent"].value() if bound_form else request.GET.get("replytocom")
    )
    page_asked = _as_int(request.GET.get("cpage"))
    # A moderator sees the pending replies in place, with buttons to decide them; their
    # page is private (a session cookie) and never answered from a visitor's copy.
    moderating = may_moderate(request.user)
    own_ids = own_pending_ids(request)
    discussion = SimpleLazyObject(
        lambda: discussion_page(
            post, policy, own_ids, page_asked, showing=replying_to, moderator=moderating
        )
    )
    author = remembered_author(request)
    if bound_form:
        issued, issued_field = None, bound_form["issued"]
    else:
        issued = form_issued_token(request)
        issued_field = issued_input(issued)
    # Built only when drawn: a blank form kept as fragments needs only its time, per visitor.
    form = bound_form or SimpleLazyObject(
        lambda: _blank_form(request, post, policy, author, issued, discussion, replying_to)
    )
    return {
        "request": request,
        "post": post,
        "discussion": discussion,
        "showing": replying_to,
        # Replies a moderator or their writer sees waiting are theirs alone.
        "replies_shared": not (moderating or own_ids),
        # Not a form with errors, remembered details, or a reply to answer chosen.
        "form_shared": not (bound_form or any(author.values()) or replying_to is not None),
        "issued_input": issued_field,
        "approved_count": functools.partial(reply_count, post),
        "is_open": policy.accepts_replies(post),
        "form": form,
        "replying_to": functools.cache(functools.partial(_replying_to, form, discussion)),
        "moderating": moderating,
    }


def _blank_form(request, post, policy, author, issued, discussion, replying_to):
    initial = {"issued": issued, **author}
    initial["remember"] = bool(initial.get("name"))
    if replying_to is not None:
        answerable = {t.comment.pk for t in discussion.all_threads() if t.can_be_answered}
        if replying_to in answerable:
            initial["parent"] = replying_to
    return CommentForm(initial=initial, post=post, policy=policy, user=request.user)


def issued_input(token: str) -> str:
    """A blank form's `issued` field, as the form draws it (tests/comments hold them equal),
    without building the form: the one part of a kept reply form drawn for each visitor."""
    return format_html('<input type="hidden" name="issued" value="{}" id="id_issued">', token)


def _replying_to(form, discussion):
    parent_id = _as_int(form["parent"].value())
    if parent_id is None:
        return None
    return next((comment for comment in discussion.comments() if comment.pk == parent_id), None)


@register.filter
def comment_html(text):
    """Plain text as HTML: escaped, web addresses made links, line breaks kept."""
    html = _text_as_html(str(text))
    return mark_safe(html)  # noqa: S308 (escaped by urlize, see below)  # nosec B308 B703


# urlize is most of the cost of a long discussion's page, and a reply's text rarely changes:
# remember the latest results (a pure function of the text; at most a few MB).
@functools.lru_cache(maxsize=2048)
def _text_as_html(text: str) -> str:
    linked = urlize(text, nofollow=False, autoescape=True)
    # urlize escaped everything the visitor wrote, so every <a here is one of its own links.
    linked = linked.replace("<a href=", '<a rel="nofollow ugc noopener" href=')
    return linebreaks(linked)


@register.filter
def initials(name: str) -> str:
    words = [word for word in re.split(r"\s+", name.strip()) if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


@register.filter
def avatar_tone(name: str) -> int:
    """The same name always gets the same colour, so a person is recognisable down a thread."""
    digest = hashlib.blake2s(name.strip().casefold().encode(), digest_size=2).digest()
    return int.from_bytes(digest) % AVATAR_TONES


@register.simple_tag
def reply_counts(posts) -> dict[int, int]:
    """Approved replies per post for a listing: one query, whatever the number of posts."""
    return Comment.objects.approved().counts_for(posts)


@register.simple_tag
def reply_count(post) -> int:
    # Asked twice per post page (its header and the discussion's heading): counted once.
    if not hasattr(post, "_approved_reply_count"):
        post._approved_reply_count = Comment.objects.approved().filter(post=post).count()
    return post._approved_reply_count


@register.filter
def replies_for(counts: dict, post) -> int:
    return counts.get(post.pk, 0) if counts else 0
