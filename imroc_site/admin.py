"""The admin as the site assembles it: posts listed with their replies, which news cannot know."""

from django.contrib import admin
from django.db.models import Count, Q

from comments.models import Comment
from news.admin import PostAdmin
from news.models import Post


class PostWithRepliesAdmin(PostAdmin):
    list_display = [*PostAdmin.list_display, "pending_replies", "approved_replies"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending_total=Count("comments", filter=Q(comments__status=Comment.Status.PENDING)),
                approved_total=Count(
                    "comments", filter=Q(comments__status=Comment.Status.APPROVED)
                ),
            )
        )

    @admin.display(description="pending replies", ordering="pending_total")
    def pending_replies(self, post):
        return post.pending_total

    @admin.display(description="approved replies", ordering="approved_total")
    def approved_replies(self, post):
        return post.approved_total


admin.site.unregister(Post)
admin.site.register(Post, PostWithRepliesAdmin)
