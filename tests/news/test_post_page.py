"""A post's page: what it shows, how it describes itself, and its old addresses."""

import re
from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from documents.models import Document
from news.models import Category, Post
from news.services import save_post
from tests.factories import attach, make_document, make_post, make_staff
from tests.news.conftest import (
    LONDON,
    category,
    count_queries,
    encode,
    grow,
    make_event,
    page,
    structured_data,
)

pytestmark = pytest.mark.django_db


# --- The post page ------------------------------------------------------------------------


def test_post_page_shows_everything_about_the_post(client, django_user_model):
    author = django_user_model.objects.create_user("jo", first_name="Jo", last_name="Bloggs")
    post = make_post(
        title="Two papers",
        body="<p>First paragraph.</p><p>Second &amp; last.</p>",
        signature="ImROC team",
        author=author,
    )
    post.tags.add("Recovery", "Peer support")
    attach(post, make_document(title="First paper"), make_document(title="Second paper"))

    html = page(client, post.get_absolute_url())

    assert "<p>First paragraph.</p>" in html and "<p>Second &amp; last.</p>" in html
    assert "ImROC team" in html and "by Jo Bloggs" in html
    assert 'class="category">News</a>' in html
    assert 'rel="tag">Peer support</a>' in html
    assert html.index("First paper") < html.index("Second paper")
    assert html.count(">Download (PDF, 1KB)</a>") == 2


def test_post_page_links_to_previous_and_next_posts(client):
    first = make_post(title="First", days_ago=3)
    middle = make_post(title="Middle", days_ago=2)
    last = make_post(title="Last", days_ago=1)
    make_post(title="Hidden draft", status=Post.Status.DRAFT)

    html = page(client, middle.get_absolute_url())

    assert f'href="{first.get_absolute_url()}" rel="prev"' in html
    assert f'href="{last.get_absolute_url()}" rel="next"' in html
    assert 'rel="next"' not in page(client, last.get_absolute_url())


def test_previous_and_next_tell_apart_posts_published_at_the_same_moment(client):
    moment = timezone.now() - timedelta(hours=1)
    first, middle, last = (make_post(title=t, published_at=moment) for t in ("A", "B", "C"))
    html = page(client, middle.get_absolute_url())
    assert f'href="{first.get_absolute_url()}" rel="prev"' in html
    assert f'href="{last.get_absolute_url()}" rel="next"' in html


def test_event_page_shows_when_where_and_a_calendar_link(client):
    start = datetime(2030, 5, 14, 10, 0, tzinfo=LONDON)
    post = make_post(
        title="Recovery college open day",
        category=category("events"),
        event_start=start,
        event_end=start + timedelta(hours=6),
        event_location="Nottingham",
    )

    html = page(client, post.get_absolute_url())

    assert "Tuesday 14 May 2030, 10:00" in html and "16:00" in html and "Nottingham" in html
    assert reverse("news:event_ics", kwargs={"slug": post.slug}) in html


def test_each_page_has_its_own_title(client):
    post = make_post(title="Unique one")
    titles = {
        re.search(r"<title>(.*?)</title>", page(client, url)).group(1)
        for url in [
            reverse("news:home"),
            reverse("news:post_list"),
            Category.objects.get(slug="news").get_absolute_url(),
            post.get_absolute_url(),
            reverse("news:year", kwargs={"year": post.published_at.year}),
        ]
    }
    assert len(titles) == 5


def test_staff_only_papers_never_show_on_a_post(client, django_user_model):

    post = make_post()
    internal = make_document(title="Internal notes", name="internal.pdf")
    internal.visibility = Document.Visibility.STAFF
    internal.save()
    attach(post, make_document(title="Public paper"), internal)

    assert "Internal notes" not in page(client, post.get_absolute_url())
    client.force_login(make_staff(django_user_model, "Editors"))
    assert "Internal notes" not in page(client, post.get_absolute_url())


# --- Structured data ----------------------------------------------------------------------


def test_post_page_describes_itself_to_search_engines_and_sharing(client):
    post = make_post(title="Shared <widely>", excerpt="A short summary.")

    html = page(client, post.get_absolute_url())

    assert "<title>Shared &lt;widely&gt; – ImROC</title>" in html
    assert '<meta name="description" content="A short summary.">' in html
    assert f'<link rel="canonical" href="http://testserver{post.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="Shared &lt;widely&gt;">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    (article,) = structured_data(html)
    assert article["@type"] == "NewsArticle" and article["headline"] == "Shared <widely>"
    assert "<widely>" not in html.split('type="application/ld+json">')[1].split("</script>")[0]


def test_event_structured_data(client):
    post = make_event("Online workshop", starts_in_days=5, event_location="Online")
    article, event = structured_data(page(client, post.get_absolute_url()))
    assert event["@type"] == "Event" and event["location"]["@type"] == "VirtualLocation"
    assert event["startDate"].startswith(str(post.event_start.date()))


def test_structured_data_carries_the_featured_image(client):
    teal = encode(Image.new("RGB", (800, 400), "teal"), "JPEG")
    post = make_post(image_alt="A teal rectangle")
    post.image.save("teal.jpg", ContentFile(teal), save=False)
    save_post(post, by=None)

    article = structured_data(page(client, post.get_absolute_url()))[0]
    assert article["image"].startswith("http://testserver/") and article["image"].endswith(".jpg")


# --- Old addresses ------------------------------------------------------------------------


def test_changed_slug_redirects_permanently(client, django_user_model):
    post = make_post(slug="old-address")
    post.slug = "new-address"
    save_post(post, by=None, old_slug="old-address")
    post.slug = "newest-address"
    save_post(post, by=None, old_slug="new-address")

    for old in ("old-address", "new-address"):
        response = client.get(reverse("news:post_detail", kwargs={"slug": old}))
        assert response.status_code == 301
        assert response["Location"] == "/news/newest-address/"


def test_old_slug_of_an_unpublished_post_does_not_redirect(client):
    post = make_post(slug="was-public")
    post.slug, post.status = "now-draft", Post.Status.DRAFT
    save_post(post, by=None, old_slug="was-public")
    assert client.get(reverse("news:post_detail", kwargs={"slug": "was-public"})).status_code == 404


def test_reusing_an_old_slug_for_the_post_itself_drops_the_redirect(client):
    post = make_post(slug="first")
    post.slug = "second"
    save_post(post, by=None, old_slug="first")
    post.slug = "first"
    save_post(post, by=None, old_slug="second")
    assert client.get("/news/first/").status_code == 200
    assert client.get("/news/second/")["Location"] == "/news/first/"


# --- Constant query counts ----------------------------------------------------------------


def test_post_page_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    post = make_post(days_ago=5)
    make_post(days_ago=9)
    make_post(days_ago=1)
    grow([post], tags_each=1, papers_each=1, comments_each=1)
    # The discussion's rules, count, pages of conversations and their replies take 5; the
    # papers 2 of their own (read only when the post's fragment is drawn: the post kept for
    # visitors stays small, news.views.post_page_context). A page drawn from fragments takes 2.
    few = count_queries(client, post.get_absolute_url(), django_assert_max_num_queries, 13)

    grow([post], tags_each=10, papers_each=8, comments_each=40)
    for n in range(30):
        make_post(days_ago=n)
    many = count_queries(client, post.get_absolute_url(), django_assert_max_num_queries, 13)

    assert few == many
