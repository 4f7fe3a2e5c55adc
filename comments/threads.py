"""Replies arranged as the conversations they are: each under the reply it answers."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q

from comments.models import Comment, conversation
from comments.policy import ReplyPolicy
from documents.compiled import CompiledCount


@dataclass
class Thread:
    comment: Comment
    level: int  # 0 under the post, 1 under a reply, …
    can_be_answered: bool  # as the form will judge it (ReplyPolicy.may_answer)
    replies: list["Thread"] = field(default_factory=list)


def build_threads(comments, policy: ReplyPolicy) -> list[Thread]:
    """Nest replies, oldest first; one whose parent is hidden or gone moves up under its
    nearest shown ancestor (from its stored ancestry), so nobody's words disappear."""
    shown: dict[int, Thread] = {}
    roots: list[Thread] = []
    for comment in comments:  # oldest first, so ancestors come before their replies
        ancestor = next((shown[pk] for pk in reversed(comment.ancestor_ids) if pk in shown), None)
        level = ancestor.level + 1 if ancestor else 0
        thread = Thread(comment, level=level, can_be_answered=policy.may_answer(comment))
        shown[comment.pk] = thread
        (ancestor.replies if ancestor else roots).append(thread)
    return roots


@dataclass
class DiscussionPage:
    """One page of a discussion: its conversations, threaded, and the paginator's page."""

    threads: list[Thread]
    page: Page

    def all_threads(self):
        """Every reply on the page as its Thread, each before the answers to it."""
        stack = list(reversed(self.threads))
        while stack:
            thread = stack.pop()
            yield thread
            stack.extend(reversed(thread.replies))

    def comments(self):
        return (thread.comment for thread in self.all_threads())


def page_of_conversations(
    post, own_ids=(), number=None, showing: int | None = None, *, moderator: bool = False
) -> Page:
    """The page of conversations (their first replies' ids) asked for, or the one holding
    reply `showing`: two queries whatever the length of the discussion. A moderator's pages
    hold the pending replies too."""
    visible = Comment.objects.visible_to(own_ids, moderator=moderator).filter(post=post)
    conversations = visible.conversations()
    paginator = Paginator(conversations, settings.COMMENTS_PER_PAGE, allow_empty_first_page=True)
    if showing is not None:
        key = (
            visible.filter(pk=showing)
            .annotate(conversation=conversation())
            .values_list("conversation", flat=True)
            .first()
        )
        if key is not None:
            number = conversations.filter(conversation__lt=key).count() // paginator.per_page + 1
    return paginator.get_page(number)


def page_number_of(comment: Comment, own_ids=()) -> int:
    """The page of its post's discussion holding `comment`, which the visitor sees (it is
    approved or among `own_ids`): one query, counting the conversations begun before its own.
    Its conversation is known without asking: the reply that began it (see conversation())."""
    earlier = _CONVERSATIONS_BEFORE.count(comment.post_id, comment.conversation_key, *own_ids)
    return earlier // settings.COMMENTS_PER_PAGE + 1


def _conversations_before(post_id: int, key: int, *own_ids: int):
    visible = Comment.objects.visible_to(own_ids).filter(post_id=post_id)
    return visible.conversations().filter(conversation__lt=key)


# Asked after every reply sent: SQL written once per process (documents.compiled).
_CONVERSATIONS_BEFORE = CompiledCount(_conversations_before)


def discussion_page(
    post,
    policy: ReplyPolicy,
    own_ids=(),
    number=None,
    showing: int | None = None,
    *,
    moderator: bool = False,
) -> DiscussionPage:
    """That page (see page_of_conversations) threaded, loading only its own replies."""
    page = page_of_conversations(post, own_ids, number, showing, moderator=moderator)
    keys = list(page.object_list)
    replies = Comment.objects.for_page(post, own_ids, moderator=moderator).filter(
        Q(pk__in=keys) | Q(thread_key__in=keys)
    )
    return DiscussionPage(build_threads(replies, policy), page)
