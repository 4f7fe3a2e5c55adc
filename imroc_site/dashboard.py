"""The admin's home page: what needs each member of staff, by what their groups let them do.

Editors (who change posts) see drafts, scheduled and recently published posts; those who
change papers see the papers with accessibility items missing; moderators see the replies
waiting and the last decisions taken; everyone sees the downloads of the last 90 days and the
papers downloaded most. Every list is one query, whatever the number of rows.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from comments.models import Comment
from comments.moderators import may_moderate
from documents import charts
from documents.models import Document
from news.conditions import State
from news.models import Post

SHOWN = 5  # rows per list: the rest are one link away, in the list they come from


@dataclass
class Moderation:
    waiting: int
    oldest: datetime | None
    decisions: list[Comment] = field(default_factory=list)

    @property
    def oldest_age(self) -> str:
        """'3 days', the age of the reply waiting longest ('' when none waits)."""
        return timesince(self.oldest, timezone.now(), depth=1) if self.oldest else ""


def dashboard(user) -> dict:
    """The dashboard's sections this user may see, as the template's context."""
    context: dict = {
        "is_dashboard": True,
        "downloads_chart": charts.all_downloads_chart(),
        "top_papers": charts.top_papers(),
        "chart_days": charts.CHART_DAYS,
        "may_open_papers": user.has_perm("documents.change_document"),
    }
    if user.has_perm("news.change_post"):
        context["posts"] = _posts()
    if user.has_perm("documents.change_document"):
        context["papers_to_fix"] = _papers_to_fix()
    if may_moderate(user):
        context["moderation"] = _moderation()
    return context


def _posts() -> dict:
    posts = Post.objects.only("pk", "title", "published_at", "updated_at")
    changelist = reverse("admin:news_post_changelist")
    return {
        "drafts": list(posts.in_state(State.DRAFT).order_by("-updated_at", "-pk")[:SHOWN]),
        "scheduled": list(posts.scheduled().order_by("published_at", "pk")[:SHOWN]),
        "published": list(posts.published().order_by("-published_at", "-pk")[:SHOWN]),
        "links": {state: f"{changelist}?state={state}" for state in State.values},
    }


def _papers_to_fix() -> list[Document]:
    """Papers whose accessibility check found something missing, newest first."""
    papers = Document.objects.filter(accessibility__has_key="problems").exclude(
        accessibility__problems=[]
    )
    return list(papers.only("pk", "title", "accessibility").order_by("-uploaded_at")[:SHOWN])


def _moderation() -> Moderation:
    waiting = Comment.objects.pending().aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    decisions = (
        Comment.objects.filter(moderated_at__isnull=False, moderated_by__isnull=False)
        .select_related("moderated_by", "post")
        .only(
            "pk",
            "name",
            "status",
            "moderated_at",
            "moderated_by__username",
            "moderated_by__first_name",
            "moderated_by__last_name",
            "post__title",
        )
        .order_by("-moderated_at", "-pk")[:SHOWN]
    )
    return Moderation(waiting["count"], waiting["oldest"], list(decisions))
