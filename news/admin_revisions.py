"""The post admin's history pages: its revisions listed, two compared, one restored.

A mixin for PostAdmin, which gets three more URLs under each post's change page. Viewing the
history needs the view permission on posts; restoring needs the change permission.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from news.admin_pages import PostAdminPages
from news.models import Post
from news.revisions.diff import changed_fields, describe, diff_revisions, field_label
from news.revisions.record import content, revisions_of
from news.revisions.restore import plan_restore, restore_revision


class PostHistoryMixin(PostAdminPages):
    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        # Before the default URLs, whose "<path:object_id>/" would swallow these.
        return [
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name=f"{name}_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.compare_revisions_view),
                name=f"{name}_revisions_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(self.restore_revision_view),
                name=f"{name}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def revisions_view(self, request, object_id):
        post = self._post_or_refuse(request, object_id, self.has_view_permission)
        saved = list(revisions_of(post.pk).select_related("user").prefetch_related("version_set"))
        kept = [content(revision) for revision in saved]
        # Each revision beside the one before it (the oldest has none); a post saved outside
        # the admin may have no revision at all.
        earlier = [*kept[1:], None][: len(kept)]
        rows = [
            {
                "revision": revision,
                "note": revision.comment,
                "changed": [field_label(name) for name in changed_fields(older, kept_here)]
                if older is not None
                else [],
            }
            for revision, kept_here, older in zip(saved, kept, earlier, strict=True)
        ]
        return self._render(request, "revisions.html", post, f"History of “{post}”", rows=rows)

    def compare_revisions_view(self, request, object_id):
        post = self._post_or_refuse(request, object_id, self.has_view_permission)
        history = revisions_of(post.pk).select_related("user")
        chosen = [request.GET.get("a"), request.GET.get("b")]
        if all(chosen):
            try:
                pair = [get_object_or_404(history, pk=int(pk)) for pk in chosen]
            except ValueError as error:
                raise Http404("No such revision") from error
        else:
            pair = list(history[:2])
        if len(pair) < 2 or pair[0] == pair[1]:
            self.message_user(request, "Choose two different versions to compare.", messages.INFO)
            return redirect(self._url("revisions", post))
        older, newer = sorted(pair, key=lambda revision: (revision.date_created, revision.pk))
        return self._render(
            request,
            "compare_revisions.html",
            post,
            f"Changes to “{post}”",
            older=older,
            newer=newer,
            changes=diff_revisions(older, newer),
        )

    def restore_revision_view(self, request, object_id, revision_id):
        post = self._post_or_refuse(request, object_id, self.has_change_permission)
        revision = get_object_or_404(revisions_of(post.pk).select_related("user"), pk=revision_id)
        if request.method == "POST":
            try:
                plan = restore_revision(revision, by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, f"Not restored: {message}", messages.ERROR)
            else:
                described = describe(revision)
                self.log_change(request, post, f"Restored the version of {described}.")
                self.message_user(request, f"Restored the version of {described}.")
                for note in plan.notes:
                    self.message_user(request, note, messages.WARNING)
                return redirect(self._url("change", post))
        return self._render(
            request,
            "restore_revision.html",
            post,
            f"Restore an earlier version of “{post}”",
            revision=revision,
            plan=plan_restore(revision, post),
        )

    def _post_or_refuse(self, request, object_id, has_permission) -> Post:
        # Asked before the post is looked up, so those without the permission learn nothing.
        if not has_permission(request):
            raise PermissionDenied
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404("No such post")
        if not has_permission(request, post):
            raise PermissionDenied
        return post

    def _render(self, request, template, post, title, **context):
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "post": post,
                "can_restore": self.has_change_permission(request, post),
                **context,
            },
        )
