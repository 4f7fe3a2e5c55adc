"""Who hears about replies, by email, sent through django.tasks so posting never waits on mail."""


def reply_held(comment_id: int) -> None:
    """A reply waits for moderation: tell the moderators who want each one."""


def replies_published(comment_ids: list[int], *, moderated: bool = False) -> None:
    """Replies went public: tell their authors who asked (if a moderator decided) and the
    posts' authors (if the discussion settings say so)."""
