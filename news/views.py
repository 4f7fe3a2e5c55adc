from django.views.generic import DetailView, ListView

from news.models import Post


class HomeView(ListView):
    """ "Latest News and Events": published posts, newest first."""

    template_name = "news/home.html"
    context_object_name = "posts"
    paginate_by = 10

    def get_queryset(self):
        return Post.objects.published().select_related("author")


class PostDetailView(DetailView):
    """A post with its papers; staff may also open drafts, everyone else gets a 404."""

    context_object_name = "post"

    def get_queryset(self):
        return Post.objects.visible_to(self.request.user).with_attachments()
