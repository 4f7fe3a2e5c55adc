"""One-click moderation in the admin: each reply's Approve, Spam, Trash (and Unapprove)
buttons, in the queue's rows and on a reply's page, and the Undo in the message that follows.

Every decision and every undo goes through services.decide / services.undo, so each records
who decided and when. What Undo restores travels signed in its own form (no state kept on the
server), and only replies nobody has decided otherwise since are put back.
"""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from comments.admin.pages import AdminPages
from comments.models import Comment, replies
from comments.services import decide, undo

Status = Comment.Status
UNDO_SALT = "comments.admin.undo"
UNDO_MAX_AGE = 60 * 60  # Undo mends a slip just made, not last week's decision
# Each decision's button; going back to pending is named for where the reply is now.
BUTTON_LABELS = {
    Status.APPROVED: "Approve",
    Status.SPAM: "Spam",
    Status.TRASH: "Trash",
}
BACK_TO_PENDING = {
    Status.APPROVED: "Unapprove",
    Status.SPAM: "Not spam",
    Status.TRASH: "Restore",
}
SHORTCUTS = {Status.APPROVED: "a", Status.SPAM: "s", Status.TRASH: "t", Status.PENDING: "u"}
DONE = {
    Status.APPROVED: "Approved",
    Status.PENDING: "Moved back to pending",
    Status.SPAM: "Marked as spam",
    Status.TRASH: "Moved to the trash",
}


def buttons_for(comment) -> list[tuple[str, str, str]]:
    """(status, label, shortcut) of the decisions a reply can take from where it is now."""
    labels = {**BUTTON_LABELS, Status.PENDING: BACK_TO_PENDING.get(comment.status, "")}
    order = [Status.APPROVED, Status.PENDING, Status.SPAM, Status.TRASH]
    return [
        (status, labels[status], SHORTCUTS[status]) for status in order if status != comment.status
    ]


def undo_token(before: dict, status: str) -> str:
    previous = [[pk, old_status, old_reason] for pk, (old_status, old_reason) in before.items()]
    return signing.dumps({"status": status, "previous": previous}, salt=UNDO_SALT, compress=True)


def undo_form(request, before: dict, status: str, *, action: str, back_to: str):
    """An Undo button (its own small POST form, with the CSRF token), for a message."""
    return format_html(
        '<form method="post" action="{}" class="undo-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="undo" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="button" data-moderation-undo>Undo</button></form>',
        action,
        get_token(request),
        undo_token(before, status),
        back_to,
    )


class OneClickDecisions(AdminPages):
    """Mixed into the comments' ModelAdmin: POST decide/ and undo/ (the buttons' targets)."""

    def get_urls(self):
        decide_view = self.admin_site.admin_view(require_POST(self.decide_view))
        undo_view = self.admin_site.admin_view(require_POST(self.undo_view))
        # Before the default URLs, whose "<path:object_id>/" would swallow them.
        pages = [
            path("decide/", decide_view, name=self.url_name("decide")),
            path("undo/", undo_view, name=self.url_name("undo")),
        ]
        return [*pages, *super().get_urls()]

    def decide_view(self, request):
        # Asked before anything is looked up: those without the permission learn nothing.
        if not self.has_change_permission(request):
            raise PermissionDenied
        pk, _, status = request.POST.get("decision", "").partition(":")
        if not pk.isdigit() or status not in Status.values:
            return HttpResponseBadRequest("Unknown decision")
        comment = self.get_object(request, pk)
        back_to = self._back_to(request)
        if comment is None:
            self.message_user(request, "That reply no longer exists.", messages.WARNING)
            return redirect(back_to)
        before = decide(Comment.objects.filter(pk=comment.pk), status=status, by=request.user)
        if not before:
            text = format_html(
                "The reply from <bdi>{}</bdi> was already {}.",
                comment.name,
                Status(status).label.lower(),
            )
            self.message_user(request, text, messages.INFO)
        else:
            text = format_html(
                "{} the reply from <bdi>{}</bdi>. {}",
                DONE[status],
                comment.name,
                undo_form(request, before, status, action=self._url("undo"), back_to=back_to),
            )
            self.message_user(request, text, messages.SUCCESS)
        return redirect(back_to)

    def undo_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            data = signing.loads(request.POST.get("undo", ""), salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
            status = Status(data["status"])
            before = {int(pk): (str(old), str(reason)) for pk, old, reason in data["previous"]}
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.message_user(
                request,
                "That undo has expired: change the reply's status again instead.",
                messages.ERROR,
            )
            return redirect(self._back_to(request))
        restored = undo(before, status=status, by=request.user)
        if restored:
            self.message_user(request, f"Undone: {replies(restored)} put back as before.")
        else:
            self.message_user(
                request, "Nothing to undo: someone has decided since.", messages.WARNING
            )
        return redirect(self._back_to(request))

    def _back_to(self, request) -> str:
        """Where the button was pressed (the queue with its filters, or a reply's page)."""
        wanted = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ) and wanted.startswith("/"):
            return wanted
        return self._url("changelist")
