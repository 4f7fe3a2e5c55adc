"""A news index with paginated posts, each with a rich-text body, a paper and replies."""

from django.core.paginator import Paginator
from django.db import models
from wagtail.fields import RichTextField
from wagtail.models import Page


class BlogIndexPage(Page):
    intro = RichTextField(blank=True)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        posts = BlogPage.objects.child_of(self).live().order_by("-first_published_at")
        context["posts"] = Paginator(posts, 10).get_page(request.GET.get("page"))
        return context


class BlogPage(Page):
    date = models.DateTimeField()
    intro = models.CharField(max_length=250, blank=True)
    body = RichTextField()
    paper = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["replies"] = self.replies.filter(approved=True).order_by("created")
        return context


class Reply(models.Model):
    page = models.ForeignKey(BlogPage, on_delete=models.CASCADE, related_name="replies")
    name = models.CharField(max_length=100)
    email = models.EmailField()
    text = models.TextField(max_length=5000)
    approved = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["page", "approved", "created"])]

    def __str__(self):
        return self.name
