from django import template

from comments.forms import CommentForm
from comments.models import Comment
from comments.pending import own_pending_ids

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_section(context, post):
    """Replies under a post and the "Leave a Reply" form (kept bound after an error)."""
    request = context["request"]
    comments = list(Comment.objects.for_page(post, own_pending_ids(request)))
    return {
        "post": post,
        "comments": comments,
        "approved_count": sum(1 for comment in comments if not comment.is_pending),
        "form": context.get("comment_form") or CommentForm(),
    }
