"""Every public page of news: listings, archives, a post, search, feeds, calendars, images.

One module for them all, so a reader finds any page here and its address in news/urls.py;
what each page needs lives in a module named for its job (news.search, news.feeds,
news.calendar, news.preview, news.renditions). Over 250 lines for that reason.
"""

from functools import cache, wraps

from django.core import signing
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.dates import MONTHS
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from documents import search_query
from news import calendar, content_cache
from news.feeds import AtomPostsFeed, PostsFeed
from news.freshness import conditional_on_content
from news.kept_counts import KeptCountPaginator
from news.models import EVENTS_SLUG, Category, Post, SlugRedirect
from news.preview import read_preview_token
from news.renditions import CONTENT_TYPES, RENDITION_NAME, RENDITIONS_DIR, sharing_image_url
from news.search import limits, results
from news.seo import post_structured_data

HOME_POSTS = 6
HOME_EVENTS = 3


@method_decorator(conditional_on_content, name="dispatch")
class PublishedPostsView(ListView):
    """A paginated list of published posts; subclasses narrow it and give it a heading."""

    template_name = "news/post_list.html"
    context_object_name = "posts"
    paginate_by: int | None = 10
    heading = "All news and events"
    intro = ""
    empty_message = "Nothing has been published here yet. Please come back soon."

    def get_queryset(self):
        return Post.objects.published().for_listing()

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return KeptCountPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            request=self.request,
            **kwargs,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=self.heading, intro=self.intro, empty_message=self.empty_message)
        # Nothing on a list is any one visitor's: kept whole for them (templates/base.html).
        context["same_for_every_visitor"] = True
        if (page := context.get("page_obj")) is not None:
            context["page_range"] = page.paginator.get_elided_page_range(page.number)
        return context


class HomeView(PublishedPostsView):
    """ "Latest News and Events": the newest posts and the next upcoming events."""

    template_name = "news/home.html"
    paginate_by = None

    def get_queryset(self):
        return super().get_queryset().pinned_first()[:HOME_POSTS]

    def get_context_data(self, **kwargs):
        upcoming = Post.objects.published().upcoming_events().select_related("category")
        return super().get_context_data(upcoming_events=upcoming[:HOME_EVENTS], **kwargs)


class PostListView(PublishedPostsView):
    pass


class CategoryArchiveView(PublishedPostsView):
    def get_queryset(self):
        slug = self.kwargs["slug"]
        self.category = content_cache.remembered(
            self.request, "category", slug, compute=lambda: get_object_or_404(Category, slug=slug)
        )
        self.heading, self.intro = self.category.name, self.category.description
        self.empty_message = f"There is nothing in {self.category.name} yet."
        posts = super().get_queryset().filter(category=self.category)
        if self.category.slug == EVENTS_SLUG:
            return posts.upcoming_events_first()
        return posts

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagArchiveView(PublishedPostsView):
    def get_queryset(self):
        # A tag only drafts use is not public either: its page would reveal its name.
        tags, slug = Post.objects.published().used_tags(), self.kwargs["slug"]
        self.tag = content_cache.remembered(
            self.request, "tag", slug, compute=lambda: get_object_or_404(tags, slug=slug)
        )
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


def conditional_for_visitors(view):
    """conditional_on_content for visitors only: a signed-in person's page may show what a
    visitor's does not (drafts, replies waiting for a moderator) and changes without moving the
    content stamp, so it is answered in full, never 304 or Last-Modified from the stamp."""
    conditional = conditional_on_content(view)

    @wraps(view)
    def dispatch(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return conditional(request, *args, **kwargs)

    return dispatch


@method_decorator(conditional_for_visitors, name="dispatch")
class PostDetailView(DetailView):
    """A post with its papers; staff may also open drafts, everyone else gets a 404.

    An address the post had before its slug changed answers with a permanent redirect.
    """

    context_object_name = "post"

    def get_queryset(self):
        # Its papers are read by post_page_context, only when the page shows them.
        return Post.objects.visible_to(self.request.user).for_listing()

    def get_object(self, queryset=None):
        # Visitors all see the same published post: looked up once while content stays as is.
        lookup = super().get_object
        return content_cache.remembered(self.request, "post", self.kwargs["slug"], compute=lookup)

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
    """What a post's page shows besides the post: for this view and the reply form's errors.

    Each is looked up only when the page shows it, not when that part comes from a kept
    fragment (news/content_cache.py)."""
    is_public = post.is_public
    context = {
        "post": post,
        "post_is_public": is_public,
        "attachments": cache(lambda: _shown_attachments(post)),
        "structured_data": cache(
            lambda: post_structured_data(post, request, image_url=sharing_image_url(post))
        ),
    }
    if is_public:
        shown = ("title", "slug", "published_at")
        context["previous_post"] = cache(
            lambda: Post.objects.published_before(post).only(*shown).first()
        )
        context["next_post"] = cache(
            lambda: Post.objects.published_after(post).only(*shown).first()
        )
    return context


def _shown_attachments(post: Post):
    """The post's papers as the public page shows them (with_attachments: never a staff-only
    one), in two queries."""
    return Post.objects.only("pk").with_attachments().get(pk=post.pk).attachments.all()


# --- Search ---------------------------------------------------------------------------------


@require_safe
def search(request):
    """The search form and, given ?q=, one page of results."""
    found = results.search(request.GET.get("q", ""))
    page = Paginator(found.results, limits.PER_PAGE).get_page(request.GET.get("page"))
    results.highlight(list(page.object_list), found.terms)  # the same results, as a list
    canonical: dict[str, str | int] = {"q": found.query} if found.query else {}
    if page.number > 1:
        canonical["page"] = page.number
    context = {
        "query": found.query,
        "search": found,
        "results": page.object_list,
        "result_count": len(found.results),
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "page_range": page.paginator.get_elided_page_range(page.number),
        "canonical_query": urlencode(canonical),
        "max_query_length": search_query.MAX_QUERY_LENGTH,
    }
    return render(request, "news/search.html", context)


# --- Preview links --------------------------------------------------------------------------


@require_safe
def preview(request, token):
    """The post as the public page will show it, for anyone holding a valid link."""
    try:
        signed = read_preview_token(token)
    except signing.BadSignature as error:  # tampered, or expired (SignatureExpired)
        raise Http404("This preview link is not valid, or it has expired.") from error
    posts = Post.objects.for_listing().with_attachments()
    post = get_object_or_404(posts, pk=signed.get("post"))
    response: HttpResponseBase
    if post.is_public:
        response = redirect(post)
    elif signed.get("key") != post.preview_key:
        raise Http404("This preview link has been revoked.")
    else:
        context = {"post": post, "post_is_public": False, "is_preview": True}
        response = render(request, "news/post_detail.html", context)
    # Whoever holds the link sees an unpublished post: no cache keeps it, no search engine
    # lists it, and no link followed from it passes the token on in a Referer header.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- Feeds and calendars --------------------------------------------------------------------

rss = require_safe(conditional_on_content(PostsFeed()))
atom = require_safe(conditional_on_content(AtomPostsFeed()))


@require_safe
@conditional_on_content
def events_ics(request):
    """Every published event that has not finished yet, for calendar apps to subscribe to."""
    posts = Post.objects.published().upcoming_events()
    ical = calendar.upcoming_events_calendar(posts, request)
    return HttpResponse(ical, content_type=calendar.CONTENT_TYPE)


@require_safe
@conditional_on_content
def event_ics(request, slug):
    """One published event, to add to a calendar; 404 for other posts."""
    post = get_object_or_404(Post.objects.published().events(), slug=slug)
    response = HttpResponse(
        calendar.event_calendar(post, request), content_type=calendar.CONTENT_TYPE
    )
    disposition = content_disposition_header(False, f"{post.slug}.ics")
    assert disposition is not None  # nosec B101 # one whenever a file name is given
    response["Content-Disposition"] = disposition
    return response


# --- Images ---------------------------------------------------------------------------------


@require_safe
def rendition(request, name):
    """Serve one rendition; a public post's cacheable forever, as its name changes whenever the
    image does. A draft's (seen through a preview link) only privately, until it is public."""
    # Only names of the exact shape make_renditions writes: no "..", no absolute or other paths.
    if not RENDITION_NAME.fullmatch(name):
        raise Http404("No such image.")
    try:
        file = default_storage.open(f"{RENDITIONS_DIR}/{name}", "rb")
    except FileNotFoundError as error:
        raise Http404("No such image.") from error
    response = FileResponse(file, content_type=CONTENT_TYPES[name.rsplit(".", 1)[1]])
    post_id = int(name.split("/", 1)[0])  # the folder is the post's pk (make_renditions)
    if Post.objects.published().filter(pk=post_id).exists():
        patch_cache_control(response, public=True, max_age=31_536_000, immutable=True)
    else:
        patch_cache_control(response, private=True, max_age=0)
    return response
