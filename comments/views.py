from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from comments.forms import CommentForm
from comments.origin import cross_origin_protected
from comments.pending import remember_pending
from comments.services import submit_comment
from news.models import Post
from news.views import post_page_context


@require_POST
@cross_origin_protected
def post_comment(request, post_id: int):
    """Take a reply to a published post; on errors show the post page again with them."""
    posts = Post.objects.published().for_listing().with_attachments()
    post = get_object_or_404(posts, pk=post_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        context = {**post_page_context(request, post), "comment_form": form}
        return render(request, "news/post_detail.html", context)
    comment = submit_comment(
        post=post, ip_address=request.META.get("REMOTE_ADDR"), **form.cleaned_data
    )
    response = redirect(comment)
    remember_pending(request, response, comment.pk)
    return response
