"""Every address of the old site keeps working: a permanent redirect to the new one, given only
where nothing here answers (the site's own addresses always win)."""

import pytest
from django.urls import reverse

from documents.models import Document
from news.models import Post
from tests.wordpress.conftest import SITE_EXPORT, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(uploads):
    run_import(SITE_EXPORT, "--media-dir", uploads, "--pages-category", "news")


def _target(client, address):
    response = client.get(address)
    assert response.status_code == 301, (address, response.status_code)
    return response["Location"]


@pytest.mark.parametrize(
    "address",
    [
        "/2024/05/02/business-case/",  # the export's <link>: day and name
        "/2024/05/business-case/",  # month and name
        "/business-case/",  # post name
        "/business-case",  # without its slash
        "/?p=10",  # plain
    ],
)
def test_every_form_of_a_posts_old_address_redirects_to_it(imported, client, address):
    assert _target(client, address) == reverse("news:post_detail", args=["business-case"])


def test_a_non_ascii_address_redirects_encoded_or_not(imported, client):
    new = reverse("news:post_detail", args=["cafe-genesung"])
    assert _target(client, "/2024/06/01/caf%C3%A9-genesung/") == new
    assert _target(client, "/café-genesung/") == new


def test_pages_and_their_page_id_redirect(imported, client):
    new = Post.objects.get(title="About us").get_absolute_url()
    assert _target(client, "/about/") == new
    assert _target(client, "/?page_id=17") == new


def test_categories_tags_and_feeds_redirect(imported, client):
    assert _target(client, "/category/announcements/") == reverse(
        "news:category", args=["announcements"]
    )
    assert _target(client, "/category/announcements/feed/") == reverse(
        "news:category_rss", args=["announcements"]
    )
    assert _target(client, "/category/uncategorized/") == reverse("news:category", args=["news"])
    assert _target(client, "/tag/peer-support/") == reverse("news:tag", args=["peer-support"])
    assert _target(client, "/feed/") == reverse("news:rss")
    assert _target(client, "/feed/atom/") == reverse("news:atom")


def test_the_old_pdf_and_its_attachment_page_lead_to_the_paper(imported, client):
    paper = Document.objects.get()
    assert _target(client, "/wp-content/uploads/2024/05/business-case.pdf") == (
        paper.get_download_url()
    )
    assert _target(client, "/2024/05/02/business-case/business-case-pdf/") == (
        paper.get_absolute_url()
    )
    assert _target(client, "/?attachment_id=20") == paper.get_absolute_url()


def test_a_redirect_follows_the_post_when_its_slug_changes_here(imported, client):
    post = Post.objects.get(slug="business-case")
    post.slug = "the-business-case"
    post.save()
    assert _target(client, "/?p=10") == "/news/the-business-case/"


def test_the_sites_own_addresses_and_unknown_ones_are_left_alone(imported, client):
    assert client.get(reverse("news:post_list")).status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/?p=999").status_code == 200  # no such post: the front page answers
    assert client.get("/no-such-thing/").status_code == 404


def test_an_unpublished_posts_old_address_tells_nothing(imported, client):
    # No redirect: its new address would give away its title.
    assert client.get("/2024/07/03/board-only/").status_code == 404  # private
    assert client.get("/?p=12").status_code == 200  # a draft: the front page, as for any ?p=
    assert "a-draft" not in client.get("/?p=12").content.decode()
    scheduled = Post.objects.get(slug="coming-soon")
    assert client.get("/?p=14").status_code == 200
    scheduled.published_at = scheduled.published_at.replace(year=2020)
    scheduled.save()  # its time came: now the old address leads to it
    assert _target(client, "/?p=14") == scheduled.get_absolute_url()


def test_an_unknown_address_costs_one_query(imported, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/2099/nothing-here/").status_code == 404
