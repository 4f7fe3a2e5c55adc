"""The reply policy: every option that decides where replies may go and what becomes of them,
read as one object (the shape of django-contrib-comments' CommentModerator)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from comments.models import Comment, DiscussionSettings

# What `accepts_replies` reads of a post: all a reply's checks need of it besides its id.
POST_FIELDS_READ = ("comments_open", "published_at")


@dataclass(frozen=True)
class ReplyPolicy:
    """How this site treats replies. Read it with `ReplyPolicy.current()`; the view, the form,
    the threads, the rules (rules.judge), the admin and the notifications all ask it.

    Staff edit these in the admin (Discussion settings, one row):

    hold_for_moderation
        Every reply that passes the rules waits for a moderator before it shows.
    auto_approve_known_authors
        A reply whose name and email match an approved reply is published at once.
    max_links
        A reply with more links than this waits for a moderator.
    hold_words
        Words or phrases (whole words, any case) that make a reply wait for a moderator.
    spam_words
        Words or phrases that send a reply straight to spam.
    close_after_days
        Replies close on posts published longer ago than this; 0 leaves it to each post.
    notify_post_author
        A post's author is emailed when a reply to their post is published.

    The deployment sets these (settings, from the environment):

    thread_depth (COMMENTS_THREAD_DEPTH)
        How deep replies to replies may nest: 1 turns threading off.
    min_seconds (COMMENTS_MIN_SECONDS)
        A form sent back sooner after it was shown is held, as a robot's would be.
    max_form_age (COMMENTS_MAX_FORM_AGE)
        A form opened longer ago (seconds) is refused: the visitor sends it again.
    flood_seconds (COMMENTS_FLOOD_SECONDS)
        Seconds one IP address must wait between replies (0: no wait).
    hourly_limit (COMMENTS_HOURLY_LIMIT)
        Replies one IP address may send in an hour.
    """

    hold_for_moderation: bool
    auto_approve_known_authors: bool
    max_links: int
    hold_words: tuple[str, ...]
    spam_words: tuple[str, ...]
    close_after_days: int
    notify_post_author: bool
    thread_depth: int
    min_seconds: int
    max_form_age: int
    flood_seconds: int
    hourly_limit: int

    @classmethod
    def current(cls) -> "ReplyPolicy":
        """The policy in force now: the staff's settings row (one query) and the settings."""
        row = DiscussionSettings.current()
        return cls(
            hold_for_moderation=row.hold_for_moderation,
            auto_approve_known_authors=row.auto_approve_known_authors,
            max_links=row.max_links,
            hold_words=tuple(row.hold_word_list),
            spam_words=tuple(row.spam_word_list),
            close_after_days=row.close_after_days,
            notify_post_author=row.notify_post_author,
            thread_depth=settings.COMMENTS_THREAD_DEPTH,
            min_seconds=settings.COMMENTS_MIN_SECONDS,
            max_form_age=settings.COMMENTS_MAX_FORM_AGE,
            flood_seconds=settings.COMMENTS_FLOOD_SECONDS,
            hourly_limit=settings.COMMENTS_HOURLY_LIMIT,
        )

    def accepts_replies(self, post) -> bool:
        """Open for replies: allowed on the post, and not closed by age (close_after_days)."""
        if not post.comments_open:
            return False
        if self.close_after_days and post.published_at:
            return timezone.now() < post.published_at + timedelta(days=self.close_after_days)
        return True

    def has_room_below(self, comment: Comment) -> bool:
        """Whether the thread may go one level deeper under `comment`: the one depth rule.

        Judged by the depth the reply was written at, not where it is shown (a reply whose
        parent is hidden shows one level up but is no shallower)."""
        return comment.depth + 1 < self.thread_depth

    def may_answer(self, comment: Comment) -> bool:
        """Whether a visitor may reply to `comment`: it is published and not too deep."""
        return comment.is_approved and self.has_room_below(comment)

    def parent_for_answer(self, comment: Comment) -> Comment | None:
        """Where a moderator's answer to `comment` goes: under it, or, where the thread can go
        no deeper, under the deepest ancestor that can take a reply, so the answer still shows
        in the same conversation (under the post if threading is off or that one is gone)."""
        if self.has_room_below(comment):
            return comment
        if self.thread_depth < 2:
            return None
        return Comment.objects.filter(pk=comment.ancestor_ids[self.thread_depth - 2]).first()
