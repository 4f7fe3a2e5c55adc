"""A post's WordPress comments as replies here, threads kept.

Written as rows, not through comments.services.submit_comment: that service tells moderators
and authors of each new reply, and an import must not send a thousand emails about old ones.
The rows are those submit_comment writes (ancestry and conversation worked out the same way),
and an approved imported reply counts for the "known author" rule like any approved reply.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from comments.models import Comment
from news.models import Post
from wordpress import bodies, identity
from wordpress.context import Run, parse_date
from wordpress.models import ImportedItem
from wordpress.summary import CREATED, EDITED_HERE, SKIPPED, UNCHANGED, UPDATED, Outcome
from wordpress.wxr import Item, WPComment

STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
SKIPPED_TYPES = {"pingback", "trackback"}


def import_comments(run: Run, item: Item, post: Post, *, new_post: bool) -> Iterator[Outcome]:
    """Each reply's outcome. Replies are written in rounds, a thread's outer replies before
    their answers, each round in two queries (the replies, then what they were). A post made
    just now has no replies imported before: they are not looked for."""
    ids = [c.wp_id for c in item.comments]
    found = ImportedItem.objects.filter(source_site=run.source, kind="comment", wp_id__in=ids)
    records = {} if new_post or not ids else {r.wp_id: r for r in found}
    existing = Comment.objects.in_bulk([int(r.object_id) for r in records.values()])
    made: dict[str, Comment] = {
        wp_id: existing[int(r.object_id)]
        for wp_id, r in records.items()
        if int(r.object_id) in existing
    }
    pending = sorted(item.comments, key=lambda c: int(c.wp_id) if c.wp_id.isdigit() else 0)
    while pending:
        waiting_ids = {c.wp_id for c in pending}
        # A reply waits while its parent does; a loop of parents comes in unthreaded.
        ready = [c for c in pending if c.parent not in waiting_ids - {c.wp_id}] or pending
        batch: list[tuple[WPComment, Comment, str]] = []
        outcomes = [_decide(run, post, wp, records.get(wp.wp_id), made, batch) for wp in ready]
        _write(run, batch, made)
        yield from outcomes
        done = {id(c) for c in ready}
        pending = [c for c in pending if id(c) not in done]


def _decide(run, post, wp: WPComment, record, made: dict[str, Comment], batch) -> Outcome:
    """The reply's outcome; a new one joins `batch`, to be written with its round."""
    name = f"by {wp.author or 'anonymous'} (ID {wp.wp_id}) on “{post.title}”"
    if wp.type in SKIPPED_TYPES:
        return Outcome("comment", SKIPPED, name, f"{wp.type}s are not imported")
    if wp.approved not in STATUSES:
        return Outcome("comment", SKIPPED, name, f"status “{wp.approved}”")
    digest = hashlib.sha256(json.dumps(vars(wp), sort_keys=True).encode()).hexdigest()
    comment = made.get(wp.wp_id)
    if record and comment is None:
        return Outcome("comment", SKIPPED, name, "deleted here since the last import")
    if comment is None or record is None:
        parent = made.get(wp.parent)
        comment = Comment(
            post=post,
            parent=parent,
            ancestry=parent.ancestry_for_child() if parent else "",
            thread_key=parent.conversation_key if parent else None,
            moderators_told=True,  # held there, found in the queue here: announced to nobody
        )
        _fill(run, comment, wp)
        batch.append((wp, comment, digest))
        return Outcome("comment", CREATED, name)
    if record.source_hash == digest:
        return Outcome("comment", UNCHANGED, name)
    if identity.comment_hash(comment) != record.local_hash:
        return Outcome("comment", EDITED_HERE, name, "moderated or edited here since")
    _fill(run, comment, wp)
    comment.save()
    identity.remember(
        run,
        "comment",
        wp.wp_id,
        comment,
        source_hash=digest,
        local_hash=identity.comment_hash(comment),
        existing=record,
    )
    return Outcome("comment", UPDATED, name)


def _write(run: Run, batch, made: dict[str, Comment]) -> None:
    """New replies in one query (bulk_create sends no save signal: the import marks the
    site changed once, at its end); their identities are written with the post's."""
    if not batch:
        return
    Comment.objects.bulk_create([comment for _, comment, _ in batch])
    for wp, comment, digest in batch:
        identity.stage(
            run,
            "comment",
            wp.wp_id,
            comment,
            source_hash=digest,
            local_hash=identity.comment_hash(comment),
        )
    made.update((wp.wp_id, comment) for wp, comment, _ in batch)


def _fill(run: Run, comment: Comment, wp: WPComment) -> None:
    status = STATUSES[wp.approved]
    comment.name = (wp.author or "Anonymous")[:100]
    comment.email = wp.email[:254]
    comment.website = _website(wp.url)
    comment.text = bodies.comment_text(wp.content)
    comment.status = status
    comment.reason = f"Imported from WordPress ({Comment.Status(status).label.lower()} there)"
    comment.submitted_at = parse_date(wp.date_gmt, wp.date) or timezone.now()
    comment.ip_address = _kept_address(wp.ip, comment.submitted_at)
    if wp.user_id not in ("", "0"):
        comment.user = run.users_by_id.get(wp.user_id)


def _website(url: str) -> str:
    """Only a web address, as the reply form accepts: a `javascript:` "website" is dropped."""
    url = url.strip()
    if url.lower().startswith(("http://", "https://")) and len(url) <= 200 and " " not in url:
        return url
    return ""


def _kept_address(address: str, submitted_at) -> str | None:
    """The sender's IP address, only while the site would still keep it (COMMENTS_ERASE_IP_DAYS,
    as purge_comments erases it after)."""
    if submitted_at < timezone.now() - timedelta(days=settings.COMMENTS_ERASE_IP_DAYS):
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
