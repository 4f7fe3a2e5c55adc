"""What the comments admin's pages of their own share: their addresses and how they render."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse

# The ModelAdmin this is mixed into, for the type checker; nothing at run time. Any model:
# the comments' queue and the single-row settings pages share it.
if TYPE_CHECKING:
    _Base = admin.ModelAdmin[Any]
else:
    _Base = object


class AdminPages(_Base):
    """Mixed into a ModelAdmin: its named URLs and the admin's frame around a page of ours."""

    def url_name(self, view_name: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view_name}"

    def _url(self, view_name, comment=None) -> str:
        args = [comment.pk] if comment is not None else []
        return reverse(
            f"admin:{self.url_name(view_name)}", args=args, current_app=self.admin_site.name
        )

    def _render(self, request, template, title, **context):
        return TemplateResponse(
            request,
            f"admin/{self.opts.app_label}/{self.opts.model_name}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "can_erase": self.has_delete_permission(request),
                **context,
            },
        )
