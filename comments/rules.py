"""The spam and moderation rules a new reply meets, in the order a moderator would apply them.

Refusals (the visitor fixes and resends) raise ReplyRefused; everything else ends in a
Verdict: the status the reply is saved with and the reason, shown to moderators.
"""

import re
import zlib
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from comments.models import Comment
from comments.policy import ReplyPolicy
from documents.compiled import CompiledCount

if TYPE_CHECKING:
    from news.models import Post

TOO_FAST = "You are posting comments too quickly. Slow down."
TOO_MANY = "You have sent a lot of replies in the last hour. Please try again later."
DUPLICATE = "Duplicate comment detected; it looks as though you've already said that!"
FORM_EXPIRED = (
    "This form was opened too long ago to be sent. Your reply is still below: "
    "please check it and send it again."
)
FORM_DAMAGED = (
    "We could not tell when this form was opened. Your reply is still below: please send it again."
)

# The reason recorded on a reply staff write (on the site, or with "Approve and reply").
STAFF_REASON = "Written by staff"

_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)


class ReplyRefused(Exception):
    """The reply is not saved; the message tells the visitor why and what to do."""


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str


@dataclass(frozen=True)
class Submission:
    post: "Post"
    name: str
    email: str
    website: str
    text: str
    ip_address: str | None
    seconds_on_form: float | None
    honeypot: str = ""
    is_staff: bool = False


def one_at_a_time_from(ip_address: str | None) -> None:
    """Inside a transaction: make replies from one address wait for each other, so a
    double-click or a burst cannot slip several copies past the flood and duplicate checks.

    PostgreSQL takes a lock on the address until the transaction ends. SQLite needs nothing:
    its IMMEDIATE transactions (see settings) already let only one writer in at a time.
    """
    if connection.vendor == "postgresql":
        key = zlib.crc32((ip_address or "unknown").encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x636F6D, key - 2**31])


def check_form_age(seconds_on_form: float | None, policy: ReplyPolicy) -> None:
    if seconds_on_form is None:
        raise ReplyRefused(FORM_DAMAGED)
    if seconds_on_form > policy.max_form_age:
        raise ReplyRefused(FORM_EXPIRED)


def check_rate(ip_address: str | None, policy: ReplyPolicy) -> None:
    """At most one reply per `flood_seconds` and `hourly_limit` an hour from one IP address.

    Requests with no address (a unix socket with no proxy count) share one bucket, never
    "no limit"; staff replies (written with no address by the admin) are not in it.
    """
    now = timezone.now()
    flood = policy.flood_seconds
    in_the_hour = _count_from(ip_address, now - timedelta(hours=1))
    # A reply within the flood's seconds is within the hour too (unless the flood is longer):
    # an address with none in the hour, as most are, is not asked about again.
    may_flood = flood and (in_the_hour or flood > 3600)
    if may_flood and _count_from(ip_address, now - timedelta(seconds=flood)):
        raise ReplyRefused(TOO_FAST)
    if in_the_hour >= policy.hourly_limit:
        raise ReplyRefused(TOO_MANY)


def check_duplicate(reply: Submission) -> None:
    """The same words from the same email address on the same post, unless a moderator binned
    them. By address, not name: another person of the same name may say "Thank you!" too."""
    if _DUPLICATES.count(reply.post.pk, reply.email, reply.text):
        raise ReplyRefused(DUPLICATE)


def _duplicates(post_id, email: str, text: str):
    # The statuses named, not "not trash": equal on both columns of the address's index, so
    # the planner takes it over the post's, which may hold thousands of replies.
    kept = [status for status in Comment.Status if status != Comment.Status.TRASH]
    earlier = Comment.objects.given_with(email).filter(status__in=kept, post=post_id, text=text)
    return earlier.order_by()[:1]  # any one will do: unordered, so found by the index


def _count_from(ip_address: str | None, since) -> int:
    if ip_address:
        return _FROM_ADDRESS.count(ip_address, since)
    return _FROM_NO_ADDRESS.count(since)


# Asked on every reply sent, so each one's SQL is written once per process, with the keys (and
# the moments) put in afresh each time (documents.compiled): the ORM's time to write a query
# was most of what these cost. The querysets above and below stay their one definition.
_DUPLICATES = CompiledCount(_duplicates)
_FROM_ADDRESS = CompiledCount(
    lambda ip_address, since: Comment.objects.filter(ip_address=ip_address, submitted_at__gt=since)
)
_FROM_NO_ADDRESS = CompiledCount(
    lambda since: Comment.objects.filter(
        ip_address__isnull=True, user__isnull=True, submitted_at__gt=since
    )
)
_KNOWN_AUTHOR = CompiledCount(
    lambda email, name: (
        Comment.objects.approved().given_with(email).filter(name=name).order_by()[:1]
    )
)


def _first_word_found(words: tuple[str, ...], reply: Submission) -> str | None:
    haystack = " ".join([reply.name, reply.email, reply.website, reply.text]).casefold()
    for word in words:
        # Whole words only, so "sex" does not catch "Sussex".
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", haystack):
            return word
    return None


def _is_known_author(reply: Submission) -> bool:
    return bool(_KNOWN_AUTHOR.count(reply.email, reply.name))


def judge(reply: Submission, rules: ReplyPolicy) -> Verdict:
    """Refuse the reply (ReplyRefused) or decide the status it is saved with, and why."""
    if reply.is_staff:
        return Verdict(Comment.Status.APPROVED, STAFF_REASON)
    check_form_age(reply.seconds_on_form, rules)
    assert reply.seconds_on_form is not None  # nosec B101 # check_form_age refused None
    check_rate(reply.ip_address, rules)
    check_duplicate(reply)
    if reply.honeypot:
        return Verdict(Comment.Status.SPAM, "Filled in the hidden field that only robots see")
    if word := _first_word_found(rules.spam_words, reply):
        return Verdict(Comment.Status.SPAM, f"Contains “{word}”, one of the spam words")
    minimum = rules.min_seconds
    if reply.seconds_on_form < minimum:
        seconds = max(reply.seconds_on_form, 0)
        return Verdict(
            Comment.Status.PENDING,
            f"Sent {seconds:.0f} s after the form was shown (a person needs at least {minimum} s)",
        )
    if word := _first_word_found(rules.hold_words, reply):
        return Verdict(Comment.Status.PENDING, f"Contains “{word}”, one of the words to hold")
    links = len(_LINK.findall(reply.text))
    if links > rules.max_links:
        return Verdict(Comment.Status.PENDING, f"Has {links} links (more than {rules.max_links})")
    if not rules.hold_for_moderation:
        return Verdict(Comment.Status.APPROVED, "Passed every rule; moderation is off")
    if rules.auto_approve_known_authors and _is_known_author(reply):
        return Verdict(Comment.Status.APPROVED, "Known author: an earlier reply was approved")
    return Verdict(Comment.Status.PENDING, "Every reply is held for moderation")
