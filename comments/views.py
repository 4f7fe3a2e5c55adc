"""Every public view of replies: posting one, its lasting address, the form's exact time,
moderating from an email's link, and a moderator's decision on a post's own page.

Over 250 lines on purpose: each view here is short, and they share the helpers that place a
reply on its page and keep moderators' pages private.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from comments.client import client_ip, form_issued_token, seconds_since_issued
from comments.forms import CommentForm
from comments.models import Comment
from comments.moderation_links import (
    ALREADY_MODERATED,
    Link,
    LinkRefused,
    admin_queue_url,
    read_link,
)
from comments.moderators import may_moderate
from comments.origin import cross_origin_protected, token_refused
from comments.pending import own_pending_ids, remember_author, remember_pending
from comments.policy import POST_FIELDS_READ, ReplyPolicy
from comments.rules import ReplyRefused, Submission, judge, one_at_a_time_from
from comments.services import moderate, submit_comment
from comments.threads import page_number_of
from documents.compiled import CompiledQuery
from news.models import Post
from news.views import post_page_context

# What a reply form sends, shown back as it was typed when the database is busy.
RESENT_FIELDS = (
    "name",
    "email",
    "website",
    "text",
    "parent",
    "issued",
    "subject",
    "remember",
    "notify",
)
# Seconds the writer is asked to wait (Retry-After) before sending a reply again.
RETRY_AFTER_SECONDS = 30
SECURITY_CHECK_EXPIRED = (
    "Your reply was not sent: this page's security check had expired (for example because "
    "you signed in again elsewhere). Please check it and send it again."
)


@require_POST
@cross_origin_protected
def post_comment(request, post_id: int):
    """Take a reply to a published post; on any problem show the post page again with it.

    When the database is busy or down (locked, stopped, timed out: temporary), the reply comes
    back on a page of its own, rendered without the database, to be sent again: never lost.
    """
    try:
        return _post_comment(request, post_id)
    except (OperationalError, InterfaceError):
        return busy_reply_page(request, post_id)


def _post_comment(request, post_id: int):
    # The post alone: what its page shows besides (author, tags, papers) is loaded only when
    # the page is shown again (_show_errors), not for every reply that goes through.
    post = _PUBLISHED_POST.get(post_id)
    if post is None:
        raise Http404("No published post here")
    policy = ReplyPolicy.current()
    if not policy.accepts_replies(post):
        # Loses nothing: what they wrote comes back for them to keep.
        context = {"post": _as_shown(post), "text": request.POST.get("text", "")}
        return render(request, "comments/closed.html", context, status=403)
    own_ids = own_pending_ids(request)
    form = CommentForm(request.POST, post=post, policy=policy, user=request.user)
    comment = None
    if request.user.is_authenticated and token_refused(request):
        # Shown again with a fresh token, so what they typed is kept and one press resends it.
        form.is_valid()
        form.add_error(None, SECURITY_CHECK_EXPIRED)
    elif form.is_valid():
        try:
            comment = _judge_and_save(request, post, form, policy)
        except ReplyRefused as refusal:
            form.add_error(None, str(refusal))
    if comment is None:
        return _show_errors(request, post, form)
    return _after_posting(request, post, form, comment, own_ids)


# A published post by id, asked on every reply: SQL written once per process, with the
# clock's moment put in afresh each time (documents.compiled), so exactly published(). Only
# what taking a reply reads of it: its address and the policy's fields (the page shown again
# loads the whole post, _as_shown), not its body and the rest.
_PUBLISHED_POST = CompiledQuery(
    Post,
    ["id", "slug", *POST_FIELDS_READ],
    lambda pk: Post.objects.published().filter(pk=pk),
)


def busy_reply_page(request, post_id: int):
    """503: the reply as typed, to send again; rendered without the database (no context
    processor, no session, not even the post's title)."""
    typed = {name: request.POST.get(name, "") for name in RESENT_FIELDS}
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "action": reverse("comments:post", kwargs={"post_id": post_id}),
        "typed": typed,
        "csrf_token_sent": request.POST.get("csrfmiddlewaretoken", ""),
    }
    response = HttpResponse(render_to_string("comments/busy.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _private(response)


def _judge_and_save(request, post, form, policy: ReplyPolicy) -> Comment:
    """The checks and the save as one step, so replies sent together cannot all pass."""
    ip_address = client_ip(request)
    with transaction.atomic():
        one_at_a_time_from(ip_address)
        verdict = judge(_submission(post, form, ip_address), policy)
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
    context = {**post_page_context(request, _as_shown(post)), "comment_form": form}
    return _private(render(request, "news/post_detail.html", context))


def _as_shown(post):
    """The post with everything its page shows, as the post page loads it."""
    return Post.objects.for_listing().with_attachments().get(pk=post.pk)


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
    number = page_number_of(comment, own_ids)
    page_query = f"?cpage={number}" if number > 1 else ""
    return f"{post.get_absolute_url()}{page_query}#comment-{comment.pk}"


def _after_posting(request, post, form, comment, own_ids):
    """Show the reply where it now sits; remember it (and, if asked, its author) in this browser."""
    own_ids = [*own_ids, comment.pk]
    response = redirect(_place_on_page(comment, own_ids))
    if not comment.is_approved:
        remember_pending(request, response, own_ids)
    if not form.is_staff_author:
        details = form.author_details() if form.cleaned_data.get("remember") else None
        remember_author(request, response, details)
    return response


def _private(response):
    # Pages for one visitor or one moderator (their own errors, a reply that may never be
    # published): never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _refused(request, refused: LinkRefused):
    context = {"message": refused.message, "queue_url": admin_queue_url()}
    return _private(
        render(request, "comments/moderate/refused.html", context, status=refused.status)
    )


def _link_for(request, token: str) -> Link:
    """The link, if the signed-in person is the moderator it was sent to; else LinkRefused."""
    link = read_link(token)
    if link.moderator.pk != request.user.pk:
        # Says nothing of whom it was sent to: the reader may be anyone holding the email.
        raise LinkRefused(403, "This link was sent to another moderator.")
    return link


@require_safe
def moderate_from_email(request, token: str):
    """A moderation email's link: after signing in, shows what it would do and a button.

    Acts for nobody who is not signed in as the moderator it was sent to: anyone else is sent
    to the admin's sign-in and back here. Following it changes nothing (mail scanners open
    links); the button POSTs the token in the body to `moderate_reply`.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    try:
        link = _link_for(request, token)
    except LinkRefused as refused:
        return _refused(request, refused)
    context = {
        "link": link,
        "comment": link.comment,
        "token": token,
        "queue_url": admin_queue_url(),
    }
    return _private(render(request, "comments/moderate/confirm.html", context))


@require_POST
def moderate_reply(request):
    """The confirmation's button: the token comes in the body, checked with Django's CSRF token
    (by the middleware), so it never sits in an address an access log keeps."""
    token = request.POST.get("token", "")
    if not request.user.is_authenticated:
        # Signed out since the page was shown: sign in, then the confirmation again.
        link_path = reverse("comments:moderate_from_email", args=[token or "-"])
        return redirect_to_login(link_path, reverse("admin:login"))
    try:
        link = _link_for(request, token)
    except LinkRefused as refused:
        return _refused(request, refused)
    # Only a reply still as it was when the link was signed: two moderators pressing at once
    # cannot both decide.
    unchanged = Comment.objects.filter(pk=link.comment.pk, moderated_at=link.comment.moderated_at)
    reason = f"{link.done} from email by {link.moderator.get_username()}"
    if not moderate(unchanged, status=link.status, by=link.moderator, reason=reason):
        return _refused(request, LinkRefused(410, ALREADY_MODERATED))
    link.comment.refresh_from_db()
    context = {"link": link, "comment": link.comment, "queue_url": admin_queue_url()}
    return _private(render(request, "comments/moderate/done.html", context))


# What a moderator may decide beside a pending reply on the public page.
IN_PLACE_DECISIONS = {Comment.Status.APPROVED, Comment.Status.SPAM, Comment.Status.TRASH}


@require_POST
def decide_in_place(request, pk: int):
    """Approve, Spam or Trash pressed beside a pending reply on its post's page (CSRF checked
    by the middleware); back to the same place, the reply's or, if it left, its parent's."""
    # Asked before anything is looked up: those without the permission learn nothing.
    if not may_moderate(request.user):
        raise PermissionDenied
    status = request.POST.get("status", "")
    if status not in IN_PLACE_DECISIONS:
        return HttpResponseBadRequest("Unknown decision")
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    moderate(Comment.objects.filter(pk=comment.pk), status=status, by=request.user)
    page = request.POST.get("cpage", "")
    query = f"?cpage={page}" if page.isdigit() and page != "1" else ""
    shown = comment.pk if status == Comment.Status.APPROVED else comment.parent_id
    anchor = f"#comment-{shown}" if shown else "#comments"
    return redirect(f"{comment.post.get_absolute_url()}{query}{anchor}")
