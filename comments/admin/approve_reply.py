""" "Approve and reply": a moderator publishes a held reply and answers it, in one step."""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path

from comments.admin.pages import AdminPages
from comments.models import Comment
from comments.policy import ReplyPolicy
from comments.rules import STAFF_REASON
from comments.services import moderate, submit_comment


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        max_length=Comment._meta.get_field("text").max_length,
        help_text="Published at once under your name, in the thread of the comment above.",
    )


class ApproveAndReplyPage(AdminPages):
    """Mixed into the comments' ModelAdmin: the page at <comment>/approve-and-reply/."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.approve_reply_view)
        # Before the default URLs, whose "<path:object_id>/" would swallow it.
        page = path(
            "<path:object_id>/approve-and-reply/", view, name=self.url_name("approve_reply")
        )
        return [page, *super().get_urls()]

    def approve_reply_view(self, request, object_id):
        # Asked before the comment is looked up, so those without the permission learn nothing.
        if not self.has_change_permission(request):
            raise PermissionDenied
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404("No such comment")
        form = ReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._approve_and_reply(request, comment, form.cleaned_data["text"])
            self.message_user(
                request, f"Approved the reply from {comment.name} and published yours."
            )
            return redirect(self._url("changelist"))
        return self._render(
            request, "approve_reply.html", f"Reply to {comment.name}", comment=comment, form=form
        )

    def _approve_and_reply(self, request, comment, text):
        user = request.user
        with transaction.atomic():
            moderate(Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=user)
            submit_comment(
                post=comment.post,
                parent=ReplyPolicy.current().parent_for_answer(comment),
                user=user,
                name=user.get_full_name() or user.get_username(),
                email=user.email,
                text=text,
                status=Comment.Status.APPROVED,
                reason=STAFF_REASON,
            )
