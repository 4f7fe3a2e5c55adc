"""What the post admin's own pages (publishing, history) share: their named addresses."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.urls import reverse

from news.models import Post

if TYPE_CHECKING:
    _Base = admin.ModelAdmin[Post]
else:
    _Base = object


class PostAdminPages(_Base):
    """Mixed into the post admin: the address of one of its views for a post."""

    def _url(self, view_name, post) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_{view_name}"
        return reverse(name, args=[post.pk], current_app=self.admin_site.name)
