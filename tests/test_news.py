from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Post
from tests.factories import attach, make_comment, make_document, make_post, make_staff

pytestmark = pytest.mark.django_db


def test_home_lists_published_posts_newest_first(client):
    older = make_post(title="Older news", days_ago=5)
    newer = make_post(title="Newer news", days_ago=1)
    make_post(title="Secret draft", status=Post.Status.DRAFT)

    response = client.get(reverse("news:home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Latest News and Events</h1>" in html
    assert html.index(newer.title) < html.index(older.title)
    assert "Secret draft" not in html


def test_home_paginates_ten_posts_a_page(client):
    for day in range(12):
        make_post(title=f"Story {day:02d}", days_ago=day + 1)

    first = client.get(reverse("news:home")).content.decode()
    second = client.get(reverse("news:home"), {"page": 2}).content.decode()

    assert "Story 00" in first and "Story 09" in first and "Story 10" not in first
    assert "Story 10" in second and "Story 11" in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert client.get(reverse("news:home"), {"page": 9}).status_code == 404


def test_home_says_so_when_nothing_is_published(client):
    make_post(status=Post.Status.DRAFT)
    assert "Nothing has been published yet" in client.get(reverse("news:home")).content.decode()


def test_post_page_shows_body_signature_and_papers_in_order(client):
    post = make_post(
        title="Two papers", body="First paragraph.\n\nSecond & last.", signature="ImROC team"
    )
    second = make_document(title="Second paper")
    first = make_document(title="First paper")
    attach(post, first, second)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "<p>First paragraph.</p>" in html and "<p>Second &amp; last.</p>" in html
    assert "ImROC team" in html
    assert html.index("First paper") < html.index("Second paper")
    assert html.count(">Download (PDF, 1KB)</a>") == 2
    assert first.get_absolute_url() in html


def test_post_address_is_readable():
    post = make_post(slug="recovery-the-business-case")
    assert post.get_absolute_url() == "/news/recovery-the-business-case/"


@pytest.mark.parametrize(
    "status, published_in_days",
    [(Post.Status.DRAFT, None), (Post.Status.PUBLISHED, 3)],
    ids=["draft", "future-dated"],
)
def test_unpublished_posts_are_404_for_the_public(client, status, published_in_days):
    post = make_post(status=status, title="Not yet")
    if published_in_days:
        post.published_at = timezone.now() + timedelta(days=published_in_days)
        post.save()

    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Not yet" not in client.get(reverse("news:home")).content.decode()


def test_staff_can_preview_a_draft_with_a_notice(client, django_user_model):
    post = make_post(status=Post.Status.DRAFT, title="Work in progress")
    client.force_login(make_staff(django_user_model, "Editors"))

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    assert "This post is not published" in response.content.decode()
    assert "Leave a Reply" not in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_moderators_cannot_preview_drafts(client, django_user_model):
    post = make_post(status=Post.Status.DRAFT)
    client.force_login(make_staff(django_user_model, "Moderators"))
    assert client.get(post.get_absolute_url()).status_code == 404


def test_publishing_fills_the_publication_date():
    post = make_post(status=Post.Status.DRAFT)
    assert post.published_at is None
    post.status = Post.Status.PUBLISHED
    post.save()
    assert post.published_at is not None
    assert Post.objects.published().filter(pk=post.pk).exists()


def test_database_refuses_a_published_post_without_a_date():
    from django.db import IntegrityError, transaction

    post = make_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(published_at=None)


def test_summary_falls_back_to_the_start_of_the_body():
    post = make_post(excerpt="", body=" ".join(["word"] * 100))
    assert post.summary.startswith("word word") and post.summary.endswith("…")
    post.excerpt = "Written by staff."
    assert post.summary == "Written by staff."


def _page_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_home_query_count_does_not_grow_with_posts(client, django_assert_max_num_queries):
    make_post()
    few = _page_queries(client, reverse("news:home"), django_assert_max_num_queries, 4)
    for _ in range(30):
        make_post()
    many = _page_queries(client, reverse("news:home"), django_assert_max_num_queries, 4)
    assert few == many


def test_post_page_query_count_does_not_grow_with_papers_or_replies(
    client, django_assert_max_num_queries
):
    post = make_post()
    attach(post, make_document(title="One"))
    make_comment(post)
    few = _page_queries(client, post.get_absolute_url(), django_assert_max_num_queries, 4)

    attach_more = [make_document(title=f"Paper {n}", name=f"p{n}.pdf") for n in range(5)]
    for position, document in enumerate(attach_more, start=1):
        post.attachments.create(document=document, position=position)
    for _ in range(20):
        make_comment(post)
    many = _page_queries(client, post.get_absolute_url(), django_assert_max_num_queries, 4)
    assert few == many
