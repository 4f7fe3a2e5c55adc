"""The admin as the site assembles it: posts listed with their replies, which news cannot know,
and taggit's tags in staff's words."""

from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from taggit.admin import TagAdmin
from taggit.models import Tag

from comments.admin.queue import CommentAdmin
from comments.models import Comment
from imroc_site.paginators import EstimatedCountPaginator
from imroc_site.two_factor import TwoFactorAdminLoginForm
from news.admin import PostAdmin
from news.models import Post

REPLY_COLUMNS = ["pending_replies", "approved_replies"]


def sees_replies(request) -> bool:
    # Counts of replies waiting are moderation business: editors need not know them.
    return request.user.has_perm("comments.view_comment")


class PostWithRepliesAdmin(PostAdmin):
    # The two long lists are counted by PostgreSQL's estimate when whole (imroc_site/paginators.py).
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return [*shown, *REPLY_COLUMNS] if sees_replies(request) else shown

    def get_changelist_instance(self, request):
        """The list, its page of posts given their reply counts in one query of their own.

        Counted for the page's posts only: an annotation would count the replies of every
        post (a million of them at 100,000 posts) before the page could be cut. So the
        columns cannot be sorted by, which needs every post's count.
        """
        changelist = super().get_changelist_instance(request)
        if sees_replies(request):
            posts = list(changelist.result_list)  # the page, kept for the template to show
            counts = reply_counts(posts)
            for post in posts:
                post.pending_total = counts.get((post.pk, Comment.Status.PENDING), 0)
                post.approved_total = counts.get((post.pk, Comment.Status.APPROVED), 0)
        return changelist

    @admin.display(description="pending replies")
    def pending_replies(self, post):
        return post.pending_total

    @admin.display(description="approved replies")
    def approved_replies(self, post):
        return post.approved_total


def reply_counts(posts) -> dict[tuple[int, str], int]:
    """{(post id, status): replies} for the given posts, in one query."""
    rows = (
        Comment.objects.filter(post__in=[post.pk for post in posts])
        .values_list("post", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {(post, status): count for post, status, count in rows}


# The admin's sign-in asks for a two-factor code of staff who turned it on.
admin.site.login_form = TwoFactorAdminLoginForm
admin.site.login_template = "admin/sign_in.html"

admin.site.unregister(Post)
admin.site.register(Post, PostWithRepliesAdmin)


class LongReplyQueueAdmin(CommentAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False


admin.site.unregister(Comment)
admin.site.register(Comment, LongReplyQueueAdmin)


class PlainTagAdmin(TagAdmin):
    """taggit's tag admin without its machinery: no list of "tagged items" by content type and
    object id (a post's tags are edited on the post), and the slug called its web address."""

    inlines = ()
    list_display = ["name", "web_address"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["labels"] = {"slug": "Web address", **kwargs.get("labels", {})}
        kwargs["help_texts"] = {
            "slug": "The end of the tag's address: letters, digits and hyphens.",
            **kwargs.get("help_texts", {}),
        }
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="web address", ordering="slug")
    def web_address(self, tag):
        return settings.SITE_URL.rstrip("/") + reverse("news:tag", kwargs={"slug": tag.slug})


admin.site.unregister(Tag)
admin.site.register(Tag, PlainTagAdmin)
