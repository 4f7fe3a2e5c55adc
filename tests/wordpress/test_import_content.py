"""What comes over from a WordPress export (tests/wordpress/fixtures/site.xml): posts in every
status, block and classic bodies, categories, tags, authors, papers, images and replies."""

import dataclasses
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from comments.models import Comment
from comments.policy import ReplyPolicy
from comments.rules import Submission, judge
from documents.models import Document
from news.models import Post
from tests.wordpress.conftest import PAPER, SITE_EXPORT, counts_line, run_import
from wordpress.bodies import sanitise

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(uploads):
    return run_import(SITE_EXPORT, "--media-dir", uploads, "--pages-category", "news")


def test_the_summary_counts_each_kind_and_gives_reasons(imported):
    # created, updated, unchanged, edited here, skipped, failed
    assert counts_line(imported, "post") == ["6", "0", "0", "0", "1", "0"]
    assert counts_line(imported, "page") == ["1", "0", "0", "0", "0", "0"]
    assert counts_line(imported, "comment") == ["6", "0", "0", "0", "1", "0"]
    assert counts_line(imported, "paper") == ["1", "0", "0", "0", "2", "0"]
    assert counts_line(imported, "other") == ["0", "0", "0", "0", "1", "0"]
    assert "post skipped: 1 × status “trash”" in imported
    assert "comment skipped: 1 × pingbacks are not imported" in imported
    assert "other skipped: 1 × post type “product”" in imported
    assert "Missing PDF “Lost paper” (ID 23): 2024/06/lost.pdf is not in" in imported
    assert "Refused PDF “Not a paper” (ID 22): “fake.pdf” is not a PDF" in imported


def test_every_status_is_mapped(imported):
    by_title = {post.title: post for post in Post.objects.all()}
    assert by_title["The business case for recovery"].state == Post.State.PUBLISHED
    assert by_title["A draft"].state == Post.State.DRAFT
    assert by_title["Awaiting review"].state == Post.State.DRAFT
    assert by_title["Coming soon"].state == Post.State.SCHEDULED
    assert by_title["Coming soon"].published_at == datetime(2099, 1, 1, 10, tzinfo=UTC)
    assert by_title["Board only"].state == Post.State.DRAFT  # private: never public
    assert "Binned post" not in by_title
    assert "Home" not in by_title and "Our product" not in by_title
    public = set(Post.objects.published().values_list("title", flat=True))
    assert public == {"The business case for recovery", "Café & Genesung: 日本語 news", "About us"}


def test_a_post_keeps_its_dates_slug_excerpt_author_and_discussion_setting(imported):
    post = Post.objects.get(slug="business-case")
    assert post.published_at == datetime(2024, 5, 2, 9, 30, tzinfo=UTC)
    assert post.updated_at == datetime(2024, 5, 3, 11, tzinfo=UTC)
    assert post.excerpt == "Why recovery colleges pay."
    assert post.author.username == "jane"
    assert post.author_name == "Jane Repper"
    assert post.comments_open
    assert not Post.objects.get(title__startswith="Café").comments_open
    assert post.sticky  # wp:is_sticky: pinned to the top of the home page
    assert not Post.objects.get(title__startswith="Café").sticky


def test_a_block_body_becomes_the_sites_rich_text(imported):
    body = Post.objects.get(slug="business-case").body
    assert "wp:" not in body and "<!--" not in body
    assert (
        "<p>Our new paper makes the <strong>business case</strong> for recovery colleges.</p>"
        in body
    )
    assert "<h2>What it says</h2>" in body  # the site's headings start at h2
    assert "<ul><li><p>Savings</p></li>" in body or "<li>Savings</li>" in body
    assert "<blockquote><p>Hope is a plan.</p></blockquote>" in body
    assert body == sanitise(body)


def test_a_classic_body_gets_paragraphs_and_its_shortcodes_understood(imported):
    body = Post.objects.get(title__startswith="Café").body
    assert "<p>A classic post, typed in the old editor.<br>" in body
    assert "<p>The group at the café</p>" in body  # [caption]'s words kept
    assert "[caption" not in body and "[/caption]" not in body and "[gallery ids" not in body
    assert "Read [gallery] literally, and the footnote [1]." in body
    assert body == sanitise(body)


def test_non_ascii_titles_slugs_names_come_through(imported):
    post = Post.objects.get(title="Café & Genesung: 日本語 news")
    assert post.slug == "cafe-genesung"  # the site's addresses are ASCII
    author = get_user_model().objects.get(username="zoë")
    assert author.get_full_name() == "Zoë Ångström"
    assert post.author == author


def test_authors_are_staff_who_cannot_sign_in_until_given_a_password(imported):
    for user in get_user_model().objects.filter(username__in=["jane", "zoë"]):
        assert user.is_staff and not user.is_superuser
        assert not user.has_usable_password()


def test_categories_and_tags_with_the_tree_flattened_and_events_not_guessed(imported):
    post = Post.objects.get(slug="business-case")
    assert post.category.slug == "announcements"
    assert set(post.tags.names()) == {"Recovery", "Regional"}  # a second category, as a tag
    cafe = Post.objects.get(title__startswith="Café")
    assert cafe.category.slug == "news" and not cafe.is_event
    assert set(cafe.tags.names()) == {"Events", "Peer support"}
    assert "Sub-categories were flattened" in imported
    assert "--category-map events=events" in imported
    assert Post.objects.get(title="About us").category.slug == "news"  # --pages-category


def test_an_events_category_goes_where_staff_map_it(uploads):
    run_import(SITE_EXPORT, "--media-dir", uploads, "--category-map", "events=events")
    assert Post.objects.get(title__startswith="Café").category.slug == "events"


def test_pages_are_skipped_with_a_count_unless_given_a_category(uploads):
    output = run_import(SITE_EXPORT, "--media-dir", uploads)
    assert counts_line(output, "page") == ["0", "0", "0", "0", "1", "0"]
    assert "pages not imported (no --pages-category)" in output


def test_the_linked_pdf_is_a_paper_with_its_link_and_size_label_rewritten(imported, client):
    paper = Document.objects.get()
    assert paper.title == "Business case PDF"
    post = Post.objects.get(slug="business-case")
    assert list(post.attachments.values_list("document", flat=True)) == [paper.pk]
    link = f'<a href="{paper.get_download_url()}">{paper.link_text}</a>'
    assert link in post.body and "Download (PDF, 20KB)" in post.body
    response = client.get(paper.get_download_url())
    assert b"".join(response.streaming_content) == PAPER  # byte-identical


def test_the_featured_image_comes_from_thumbnail_id_with_its_alt_text(imported):
    post = Post.objects.get(slug="business-case")
    assert post.image and post.image_alt == "Twelve people at the launch"
    assert (post.image_width, post.image_height) == (640, 400)
    assert post.image_renditions  # made as for an upload in the admin
    # A post without _thumbnail_id has none: its body's images stay in its body.
    assert not Post.objects.get(title__startswith="Café").image


def test_body_images_become_the_sites_own_pictures_with_their_descriptions(imported):
    block = Post.objects.get(slug="business-case").body
    classic = Post.objects.get(title__startswith="Café").body
    # Both show group.png, stored once, at the site's own address.
    pictures = [
        re.search(r'<img src="(/media/renditions/0/[0-9a-f]{16}-640\.webp)"', b)
        for b in (block, classic)
    ]
    assert pictures[0] and pictures[1] and pictures[0].group(1) == pictures[1].group(1)
    # The block image had alt="": the description from WordPress's media library fills it.
    assert 'alt="Twelve people at the launch" width="640" height="400"' in block
    assert 'alt="The group" width="640" height="400"></p><p>The group at the café</p>' in classic
    assert "old.example.org/wp-content/uploads/2024/05/group.png" not in block + classic
    assert block == sanitise(block) and classic == sanitise(classic)


def test_replies_keep_their_status_threads_and_details(imported):
    post = Post.objects.get(slug="business-case")
    replies = {c.text.split("\n")[0]: c for c in Comment.objects.filter(post=post)}
    first, answer, deeper = (
        replies["Great paper!"],
        replies["Thanks Sam, glad it helps."],
        replies["And a reply to the reply."],
    )
    assert first.status == answer.status == deeper.status == Comment.Status.APPROVED
    assert answer.parent == first and deeper.parent == answer  # threads, out of file order
    assert deeper.ancestry == f"{first.pk}/{answer.pk}" and deeper.thread_key == first.pk
    assert answer.user.username == "jane"  # written by the post's author, signed in
    assert first.website == "https://sam.example.org"
    assert first.text == "Great paper!\n\nThank you for more reading (https://example.org/more)."
    assert first.submitted_at == datetime(2024, 5, 2, 11, tzinfo=UTC)
    assert replies["Still waiting for moderation."].status == Comment.Status.PENDING
    # Found in the queue, not announced: the next reply held here emails about itself only.
    assert not Comment.objects.untold().exists()
    assert replies["Off topic."].status == Comment.Status.TRASH
    assert replies["Buy now click"].status == Comment.Status.SPAM


def test_old_ip_addresses_are_not_kept_beyond_the_sites_retention(imported):
    # The export's replies are from 2024: far beyond COMMENTS_ERASE_IP_DAYS.
    assert not Comment.objects.filter(ip_address__isnull=False).exists()


def test_an_approved_imported_author_counts_as_known(imported):
    post = Post.objects.get(slug="business-case")
    policy = dataclasses.replace(ReplyPolicy.current(), auto_approve_known_authors=True)
    reply = Submission(
        post=post,
        name="Sam Reader",
        email="sam@example.org",
        website="",
        text="Back again",
        ip_address="192.0.2.50",
        seconds_on_form=30,
    )
    assert judge(reply, policy).status == Comment.Status.APPROVED
    stranger = Submission(
        post=post,
        name="New",
        email="new@example.org",
        website="",
        text="Hello",
        ip_address="192.0.2.51",
        seconds_on_form=30,
    )
    assert judge(stranger, policy).status == Comment.Status.PENDING


def test_the_seed_post_page_shows_the_paper_and_threaded_replies(imported, client):
    response = client.get(reverse("news:post_detail", args=["business-case"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Download (PDF, 20KB)" in html
    assert "Thanks Sam, glad it helps." in html and "Still waiting" not in html
