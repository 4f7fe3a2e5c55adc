from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from comments.client import client_ip, form_issued_token, seconds_since_issued
from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings
from comments.origin import cross_origin_protected
from comments.pending import own_pending_ids, remember_author, remember_pending
from comments.rules import (
    ReplyRefused,
    Submission,
    accepts_replies,
    judge,
    one_at_a_time_from,
)
from comments.services import submit_comment
from comments.threads import discussion_page
from news.models import Post
from news.views import post_page_context


@require_POST
@cross_origin_protected
def post_comment(request, post_id: int):
    """Take a reply to a published post; on any problem show the post page again with it."""
    posts = Post.objects.published().for_listing().with_attachments()
    post = get_object_or_404(posts, pk=post_id)
    rules = DiscussionSettings.current()
    if not accepts_replies(post, rules):
        # Loses nothing: what they wrote comes back for them to keep.
        context = {"post": post, "text": request.POST.get("text", "")}
        return render(request, "comments/closed.html", context, status=403)
    own_ids = own_pending_ids(request)
    form = CommentForm(request.POST, post=post, user=request.user)
    comment = None
    if form.is_valid():
        try:
            comment = _judge_and_save(request, post, form, rules)
        except ReplyRefused as refusal:
            form.add_error(None, str(refusal))
    if comment is None:
        return _show_errors(request, post, form)
    return _after_posting(request, post, form, comment, own_ids)


def _judge_and_save(request, post, form, rules) -> Comment:
    """The checks and the save as one step, so replies sent together cannot all pass."""
    ip_address = client_ip(request)
    with transaction.atomic():
        one_at_a_time_from(ip_address)
        verdict = judge(_submission(post, form, ip_address), rules)
        return submit_comment(
            post=post,
            text=form.cleaned_data["text"],
            parent=form.cleaned_data["parent"],
            user=request.user if form.is_staff_author else None,
            status=verdict.status,
            reason=verdict.reason,
            ip_address=ip_address,
            user_agent=request.headers.get("User-Agent", ""),
            notify_on_approval=form.cleaned_data.get("notify", False),
            **form.author_details(),
        )


def _submission(post, form, ip_address) -> Submission:
    data = form.cleaned_data
    return Submission(
        post=post,
        text=data["text"],
        ip_address=ip_address,
        seconds_on_form=seconds_since_issued(data["issued"]),
        honeypot=data["subject"],
        is_staff=form.is_staff_author,
        **{"website": "", **form.author_details()},
    )


def _show_errors(request, post, form):
    # A fresh form time: the visitor has now seen the form again, and an expired one is renewed.
    form.data = form.data.copy()
    form.data["issued"] = form_issued_token(request)
    context = {**post_page_context(request, post), "comment_form": form}
    response = render(request, "news/post_detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@never_cache
def form_time(request):
    """The exact time, signed, for the form someone has started writing in (see reply.js)."""
    return JsonResponse({"issued": form_issued_token(request, exact=True)})


@require_safe
def comment_permalink(request, pk: int):
    """A reply's lasting address: to the page of its discussion where it now sits."""
    own_ids = own_pending_ids(request)
    visible = Comment.objects.visible_to(own_ids).filter(post__in=Post.objects.published())
    comment = get_object_or_404(visible.select_related("post"), pk=pk)
    return redirect(_place_on_page(comment, own_ids))


def _place_on_page(comment, own_ids) -> str:
    post = comment.post
    page = discussion_page(post, own_ids, showing=comment.pk).page
    page_query = f"?cpage={page.number}" if page.number > 1 else ""
    return f"{post.get_absolute_url()}{page_query}#comment-{comment.pk}"


def _after_posting(request, post, form, comment, own_ids):
    """Show the reply where it now sits; remember it (and, if asked, its author) in this browser."""
    response = redirect(_place_on_page(comment, [*own_ids, comment.pk]))
    if not comment.is_approved:
        remember_pending(request, response, comment.pk)
    if not form.is_staff_author:
        details = form.author_details() if form.cleaned_data.get("remember") else None
        remember_author(request, response, details)
    return response
