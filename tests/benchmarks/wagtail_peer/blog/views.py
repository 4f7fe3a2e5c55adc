from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from blog.models import BlogPage, Reply


class ReplyForm(forms.ModelForm):
    class Meta:
        model = Reply
        fields = ["name", "email", "text"]


@require_POST
def post_reply(request, page_id):
    """A reply held for moderation, as ours are."""
    page = get_object_or_404(BlogPage.objects.live(), pk=page_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        reply = form.save(commit=False)
        reply.page = page
        reply.save()
    return redirect(page.url + "#replies")
