"""A real WordPress 6.1 export (tests/wordpress/real_export, made by WordPress itself) imports
as its manifest, expected.json, says: every post's status, dates, body and old addresses, the
papers byte for byte, threaded replies, and nothing unpublished shown or told."""

import hashlib
import json
import re
from datetime import datetime

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.rules import Submission, _is_known_author
from documents.models import Document
from news.models import Post
from tests.wordpress.conftest import FIXTURES, counts_line, run_import
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db

REAL = FIXTURES.parent / "real_export"
EXPECTED = json.loads((REAL / "expected.json").read_text())


@pytest.fixture
def imported():
    return run_import(
        REAL / "export.xml", "--media-dir", REAL / "uploads", "--pages-category", "news"
    )


def _post(wp_id) -> Post | None:
    record = ImportedItem.objects.filter(kind__in=["post", "page"], wp_id=str(wp_id)).first()
    return Post.objects.get(pk=record.object_id) if record else None


def test_the_counts_match_the_manifest(imported):
    counts = EXPECTED["expected_counts"]
    assert counts_line(imported, "author")[0] == str(counts["authors"])
    assert counts_line(imported, "paper") == ["2", "0", "0", "0", "0", "0"]
    assert counts_line(imported, "post") == ["9", "0", "0", "0", "1", "0"]  # trash skipped
    assert counts_line(imported, "page") == ["2", "0", "0", "0", "0", "0"]
    public = {str(p) for p in counts["public_posts"]}
    published = [str(pk) for pk in Post.objects.published().values_list("pk", flat=True)]
    records = ImportedItem.objects.filter(kind="post", object_id__in=published)
    assert set(records.values_list("wp_id", flat=True)) == public


@pytest.mark.parametrize("entry", EXPECTED["posts"], ids=lambda entry: str(entry["wp_id"]))
def test_each_post_is_what_the_manifest_expects(imported, client, entry):
    expected, post = entry["expected"], _post(entry["wp_id"])
    if entry["status"] == "trash":
        assert post is None
    else:
        assert post.is_public == expected["public"]
        assert post.sticky == entry["sticky"]  # pinned to the top of the home page
        if "published_at" in expected:
            assert post.published_at == datetime.fromisoformat(expected["published_at"])
        if "publish_at" in expected:
            assert post.state == Post.State.SCHEDULED
            assert post.published_at == datetime.fromisoformat(expected["publish_at"])
        if "comments_open" in expected:
            assert post.comments_open == expected["comments_open"]
        for words in expected.get("body_keeps", []):
            assert words in post.body, words
        for markup in expected.get("body_loses", []):
            assert markup not in post.body, markup
    for address in expected.get("old_addresses", []):
        response = client.get(address)
        assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())
    for address in expected.get("unpublished_addresses", []):
        response = client.get(address)
        assert response.status_code in (200, 404), address  # the front page, or nothing
        assert entry["title"] not in response.content.decode()


def test_the_seed_posts_papers_download_byte_identical_from_their_links(imported, client):
    post = _post(6)
    papers = list(post.attachments.order_by("position").values_list("document", flat=True))
    for attachment, pk in zip(EXPECTED["attachments"][:2], papers, strict=True):
        paper = Document.objects.get(pk=pk)
        expected = attachment["expected"]
        assert paper.link_text == expected["download_label"]
        assert f'href="{paper.get_download_url()}">{paper.link_text}</a>' in post.body
        page = client.get(post.get_absolute_url()).content.decode()
        assert expected["download_label"] in page
        body = b"".join(client.get(paper.get_download_url()).streaming_content)
        assert hashlib.sha256(body).hexdigest() == attachment["sha256"]
        for address in expected["old_addresses"]:
            assert client.get(address).status_code == 301


def test_the_featured_and_captioned_images_come_with_their_descriptions(imported):
    bien_etre, peer = _post(17), _post(14)
    assert bien_etre.image and bien_etre.image_alt == EXPECTED["attachments"][3]["alt"]
    assert (bien_etre.image_width, bien_etre.image_height) == (1600, 900)
    assert not peer.image  # no _thumbnail_id: its [caption]ed image stays in its text
    # Each body image is one of the site's own pictures, made from the original upload (not
    # the resized copy the text showed: 800×500, not 300×188), with its alt text.
    for post, alt, size in [
        (peer, EXPECTED["attachments"][2]["alt"], 'width="800" height="500"'),
        (bien_etre, EXPECTED["attachments"][3]["alt"], 'width="960" height="540"'),
    ]:
        assert re.search(
            rf'<img src="/media/renditions/0/[0-9a-f]{{16}}-\d+\.webp" alt="{alt}" {size}>',
            post.body,
        )
    assert "A peer support group at the Nottingham Recovery College" in peer.body


def test_replies_keep_status_and_threads_and_their_authors_are_known(imported, client):
    by_wp = {
        r.wp_id: Comment.objects.get(pk=r.object_id)
        for r in ImportedItem.objects.filter(kind="comment")
    }
    for entry in EXPECTED["comments"]:
        comment = by_wp.get(str(entry["wp_id"]))
        if entry["type"] == "pingback":
            assert comment is None
            continue
        assert comment.status == entry["expected"]["status"]
        parent = entry["expected"]["parent"]
        assert comment.parent == (by_wp[str(parent)] if parent else None)
        assert comment.ip_address is None  # all older than the retention period
    # Known for the auto-approve rule (comments.rules): an approved reply, same name and email.
    known = EXPECTED["comments_expected"]
    for email in known["known_commenter_emails"] + known["not_known"]:
        name = Comment.objects.filter(email=email).values_list("name", flat=True)[0]
        reply = Submission(
            post=_post(6),
            name=name,
            email=email,
            website="",
            text="Again",
            ip_address="192.0.2.99",
            seconds_on_form=30,
        )
        assert _is_known_author(reply) == (email in known["known_commenter_emails"]), email
    page = client.get(_post(6).get_absolute_url()).content.decode()
    assert "Sarah Mitchell" in page and "Tom Reid" not in page  # pending: not shown


def test_categories_tags_and_feeds_redirect(imported, client):
    for entry in EXPECTED["categories"] + EXPECTED["tags"]:
        assert client.get(entry["old_address"]).status_code == 301, entry["old_address"]
    assert client.get("/category/news/briefing-papers/")["Location"] == reverse(
        "news:category", args=["briefing-papers"]
    )
    assert client.get("/feed/")["Location"] == reverse("news:rss")


def test_a_second_run_changes_nothing(imported):
    again = run_import(
        REAL / "export.xml", "--media-dir", REAL / "uploads", "--pages-category", "news"
    )
    for kind in ("post", "page", "comment", "paper"):
        created, updated, *_ = counts_line(again, kind)
        assert (created, updated) == ("0", "0"), kind
