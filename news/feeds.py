"""RSS and Atom feeds of published posts, all or one category's (routed as news.views.rss/atom)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape

from news.models import Category, Post

FEED_ITEMS = 20


class PostsFeed(Feed):
    """The newest published posts (of one category, given its slug), each paper an enclosure."""

    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    # RSS 2.0 allows one enclosure per item (Django raises for more): the first paper.
    max_enclosures: int | None = 1

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Django dates the feed by its newest item, which stays the same when a post expires
        # or is unpublished: Last-Modified comes from conditional_on_content instead.
        del response["Last-Modified"]
        return response

    def get_object(self, request, slug=None):
        return get_object_or_404(Category, slug=slug) if slug else None

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Django makes item links absolute but not enclosure URLs, and item methods never see
        # the request, so enclosures get their scheme and host here.
        for item in feed.items:
            item["enclosures"] = [
                Enclosure(request.build_absolute_uri(e.url), e.length, e.mime_type)
                for e in item["enclosures"]
            ]
        return feed

    def title(self, category):
        return f"{settings.SITE_NAME}: {category.name if category else 'news and events'}"

    def link(self, category):
        return category.get_absolute_url() if category else reverse("news:home")

    def description(self, category):
        return (category and category.description) or settings.SITE_TAGLINE

    def author_name(self, category):
        return settings.SITE_NAME

    def items(self, category):
        posts = Post.objects.published().for_listing().with_attachments()
        if category:
            posts = posts.filter(category=category)
        return posts.order_by("-published_at", "-pk")[:FEED_ITEMS]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        # Feed readers treat the description as HTML; the summary is plain text, so escape it.
        return escape(post.summary)

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        # As the post page names its author; posts without one are the site's (author_name).
        return post.author_name or None

    def item_categories(self, post):
        return [post.category.name, *(tag.name for tag in post.tags.all())]

    def item_enclosures(self, post):
        papers = [attachment.document for attachment in post.attachments.all()]
        return [
            Enclosure(paper.get_download_url(), str(paper.size), paper.content_type)
            for paper in papers[: self.max_enclosures]
        ]


class AtomPostsFeed(PostsFeed):
    feed_type = Atom1Feed
    # Atom allows any number of rel="enclosure" links: every paper, in the staff's order.
    max_enclosures = None

    def subtitle(self, category):
        return self.description(category)
