from django import template
from django.urls import reverse
from django.utils.html import format_html

from comments.models import Comment
from comments.moderators import may_moderate

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_comments_link(context):
    """The moderation queue's size, for the admin header of those who moderate (one query).

    Checked here as well as in the template: the count alone tells outsiders how busy the
    discussion is, and a template that forgets the check should still show nothing.
    """
    request = context.get("request")
    if request is None or not may_moderate(request.user):
        return ""
    count = Comment.objects.pending().count()
    url = reverse("admin:comments_comment_changelist") + "?status__exact=pending"
    label = (
        "No comments awaiting moderation"
        if not count
        else (f"{count} comment{'s' if count != 1 else ''} awaiting moderation")
    )
    return format_html('<a class="pending-comments" href="{}">{}</a>', url, label)
