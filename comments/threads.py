"""Replies arranged as the conversations they are: each under the reply it answers."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator


@dataclass
class Thread:
    comment: object
    level: int  # 0 under the post, 1 under a reply, …
    replies: list["Thread"] = field(default_factory=list)

    @property
    def can_be_answered(self) -> bool:
        return self.comment.status == "approved" and self.level + 1 < settings.COMMENTS_THREAD_DEPTH

    def ids(self):
        yield self.comment.pk
        for reply in self.replies:
            yield from reply.ids()


def build_threads(comments) -> list[Thread]:
    """Nest replies, oldest first; one whose parent is hidden or gone moves up under its
    nearest shown ancestor (from its stored ancestry), so nobody's words disappear."""
    shown: dict[int, Thread] = {}
    roots = []
    for comment in comments:  # oldest first, so ancestors come before their replies
        ancestor = next((shown[pk] for pk in reversed(comment.ancestor_ids) if pk in shown), None)
        thread = Thread(comment, level=ancestor.level + 1 if ancestor else 0)
        shown[comment.pk] = thread
        (ancestor.replies if ancestor else roots).append(thread)
    return roots


def page_of_threads(threads: list[Thread], number, showing: int | None = None):
    """The page of conversations asked for, or the one holding reply `showing`."""
    paginator = Paginator(threads, settings.COMMENTS_PER_PAGE, allow_empty_first_page=True)
    if showing is not None:
        for index, thread in enumerate(threads):
            if showing in thread.ids():
                return paginator.page(index // paginator.per_page + 1)
    return paginator.get_page(number)
