from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from news.freshness import conditional_on_content
from news.images import sharing_image_url
from news.models import EVENTS_SLUG, Category, Post, SlugRedirect
from news.seo import post_structured_data

HOME_POSTS = 6
HOME_EVENTS = 3


@method_decorator(conditional_on_content, name="dispatch")
class PublishedPostsView(ListView):
    """A paginated list of published posts; subclasses narrow it and give it a heading."""

    template_name = "news/post_list.html"
    context_object_name = "posts"
    paginate_by = 10
    heading = "All news and events"
    intro = ""
    empty_message = "Nothing has been published here yet. Please come back soon."

    def get_queryset(self):
        return Post.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=self.heading, intro=self.intro, empty_message=self.empty_message)
        if page := context.get("page_obj"):
            context["page_range"] = page.paginator.get_elided_page_range(page.number)
        return context


class HomeView(PublishedPostsView):
    """ "Latest News and Events": the newest posts and the next upcoming events."""

    template_name = "news/home.html"
    paginate_by = None

    def get_queryset(self):
        return super().get_queryset()[:HOME_POSTS]

    def get_context_data(self, **kwargs):
        upcoming = Post.objects.published().upcoming_events().select_related("category")
        return super().get_context_data(upcoming_events=upcoming[:HOME_EVENTS], **kwargs)


class PostListView(PublishedPostsView):
    pass


class CategoryArchiveView(PublishedPostsView):
    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        self.heading, self.intro = self.category.name, self.category.description
        self.empty_message = f"There is nothing in {self.category.name} yet."
        posts = super().get_queryset().filter(category=self.category)
        if self.category.slug == EVENTS_SLUG:
            return _upcoming_events_first(posts)
        return posts

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagArchiveView(PublishedPostsView):
    def get_queryset(self):
        # A tag only drafts use is not public either: its page would reveal its name.
        used = Tag.objects.filter(Exists(Post.objects.published().filter(tags=OuterRef("pk"))))
        self.tag = get_object_or_404(used, slug=self.kwargs["slug"])
        self.heading = f"Posts tagged “{self.tag.name}”"
        self.empty_message = f"No published posts are tagged “{self.tag.name}” yet."
        return super().get_queryset().filter(tags__slug=self.tag.slug)


class YearArchiveView(PublishedPostsView):
    def get_queryset(self):
        year = int(self.kwargs["year"])
        self.heading = f"News and events from {year}"
        self.empty_message = f"Nothing was published in {year}."
        return super().get_queryset().filter(published_at__year=year)


class MonthArchiveView(PublishedPostsView):
    def get_queryset(self):
        year, month = int(self.kwargs["year"]), int(self.kwargs["month"])
        self.heading = f"News and events from {MONTHS[month]} {year}"
        self.empty_message = f"Nothing was published in {MONTHS[month]} {year}."
        return super().get_queryset().filter(published_at__year=year, published_at__month=month)


def _upcoming_events_first(posts):
    """Upcoming events soonest first, then past ones most recent first, then other posts."""
    now = timezone.now()
    upcoming = Q(event_end__gte=now) | Q(event_end__isnull=True, event_start__gte=now)
    group = Case(
        When(upcoming, then=Value(0)),
        When(event_start__isnull=False, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    soonest = Case(When(upcoming, then=F("event_start")))
    return posts.alias(group=group, soonest=soonest).order_by(
        "group", F("soonest").asc(nulls_last=True), F("event_start").desc(nulls_last=True), "-pk"
    )


@method_decorator(conditional_on_content, name="dispatch")
class PostDetailView(DetailView):
    """A post with its papers; staff may also open drafts, everyone else gets a 404.

    An address the post had before its slug changed answers with a permanent redirect.
    """

    context_object_name = "post"

    def get_queryset(self):
        return Post.objects.visible_to(self.request.user).for_listing().with_attachments()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = (
                SlugRedirect.objects.filter(
                    old_slug=kwargs["slug"], post__in=self.get_queryset().values("pk")
                )
                .select_related("post")
                .first()
            )
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.post.get_absolute_url())

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **post_page_context(self.request, self.object),
        }


def post_page_context(request, post: Post) -> dict:
    """What a post's page shows besides the post: for this view and the reply form's errors."""
    context = {
        "post": post,
        "structured_data": post_structured_data(post, request, image_url=sharing_image_url(post)),
    }
    if post.is_public:
        published = Post.objects.published().only("title", "slug", "published_at")
        # Posts published at the same moment (a bulk action) are told apart by their pk.
        when = post.published_at
        earlier = Q(published_at__lt=when) | Q(published_at=when, pk__lt=post.pk)
        later = Q(published_at__gt=when) | Q(published_at=when, pk__gt=post.pk)
        context["previous_post"] = (
            published.filter(earlier).order_by("-published_at", "-pk").first()
        )
        context["next_post"] = published.filter(later).order_by("published_at", "pk").first()
    return context
