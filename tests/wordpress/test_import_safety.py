"""An import is safe: hostile content stays harmless, a broken file is named and imports
nothing, one failing item is named while the rest go on, and a dry run changes nothing."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from taggit.models import Tag

from comments.models import Comment
from documents.models import Document
from news.models import Category, Post
from tests.wordpress.conftest import SITE_EXPORT, counts_line, run_import
from tests.wordpress_export import Entry, Reply, write_export
from wordpress.bodies import sanitise
from wordpress.models import ImportedItem, LegacyAddress

pytestmark = pytest.mark.django_db

HOSTILE_BODY = (
    '<p onclick="steal()">Hello<script>alert("body")</script></p>'
    '<p><a href="javascript:alert(1)">bad</a> <a href="JaVaScRiPt:alert(2)">worse</a></p>'
    '<img src="x" onerror="alert(3)"><iframe src="https://evil.example"></iframe>'
    '<style>body{display:none}</style><form action="/x"><input name="q"></form>'
)
HOSTILE_REPLY = (
    'Nice <script>alert("reply")</script><img src=x onerror=alert(4)>'
    '<a href="javascript:alert(5)" onclick="x()">me</a>'
)


def test_hostile_posts_and_replies_are_made_harmless(tmp_path, client):
    recent = datetime.now(UTC) - timedelta(days=1)
    export = write_export(
        tmp_path / "hostile.xml",
        [
            Entry(
                1,
                "<b>Hostile</b> title",
                HOSTILE_BODY,
                slug="hostile",
                date=recent,
                replies=[
                    Reply(
                        2,
                        HOSTILE_REPLY,
                        author="<img src=x onerror=alert(6)>",
                        url="javascript:alert(7)",
                        date=recent,
                    ),
                ],
            ),
        ],
    )
    run_import(export)
    post = Post.objects.get(slug="hostile")
    for needle in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "<form"):
        assert needle not in post.body.lower()
    assert post.body == sanitise(post.body)  # exactly what the site's own sanitiser keeps
    reply = Comment.objects.get()
    assert reply.website == ""
    assert "<script" not in reply.text and "javascript" not in reply.text
    html = client.get(reverse("news:post_detail", args=["hostile"])).content.decode()
    assert "<b>Hostile</b>" not in html and "&lt;b&gt;Hostile&lt;/b&gt;" in html
    assert "<script>alert" not in html and 'href="javascript' not in html.lower()
    assert "<img src=x onerror" not in html  # the name is shown escaped
    assert "&lt;img src=x onerror=alert(6)&gt;" in html


def _truncated(tmp_path: Path) -> Path:
    text = SITE_EXPORT.read_text()
    broken = tmp_path / "broken.xml"
    broken.write_text(text[: len(text) * 2 // 3])
    return broken


def test_a_malformed_file_is_named_with_its_position_and_nothing_is_imported(tmp_path):
    output = run_import(_truncated(tmp_path), expect_failure=True)
    assert "is not well-formed XML at line" in output and ", column " in output
    assert "Nothing was imported." in output
    assert not Post.objects.exists() and not ImportedItem.objects.exists()
    assert not get_user_model().objects.filter(username="jane").exists()


def test_entities_are_refused_before_they_expand(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title>'
        "</channel></rss>"
    )
    output = run_import(bomb, expect_failure=True)
    assert "declares entities or external references" in output


def test_a_file_that_is_not_an_export_says_so(tmp_path):
    page = tmp_path / "page.xml"
    page.write_text("<html><body>Hello</body></html>")
    assert "is not a WordPress export" in run_import(page, expect_failure=True)


@pytest.fixture
def refusing_board_only():
    """The database itself refuses one post, as a full disk or a constraint would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_board() RETURNS trigger AS $$ BEGIN "
                "IF NEW.title = 'Board only' THEN RAISE EXCEPTION 'refused by the database'; "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_board BEFORE INSERT ON news_post "
                "FOR EACH ROW EXECUTE FUNCTION refuse_board()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_board BEFORE INSERT ON news_post "
                "WHEN NEW.title = 'Board only' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the database'); END"
            )


def test_a_failing_item_is_named_rolled_back_and_the_rest_go_on(uploads, refusing_board_only):
    output = run_import(SITE_EXPORT, "--media-dir", uploads, expect_failure=True)
    assert "Failed: post “Board only” (ID 15):" in output
    assert "refused by the database" in output
    assert "Some items failed" in output  # the command's exit status is non-zero
    assert counts_line(output, "post") == ["5", "0", "0", "0", "1", "1"]
    assert not LegacyAddress.objects.filter(path="/2024/07/03/board-only/").exists()
    assert not ImportedItem.objects.filter(kind="post", wp_id="15").exists()
    assert Post.objects.filter(slug="business-case").exists()


def _snapshot(media_root: Path) -> dict:
    models = [Post, Comment, Document, Category, Tag, LegacyAddress, ImportedItem]
    rows = {model.__name__: model.objects.count() for model in models}
    rows["users"] = get_user_model().objects.count()
    rows["files"] = sorted(str(p) for p in media_root.rglob("*")) if media_root.exists() else []
    return rows


def _table_and_reasons(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("Imported", "What the")))
    return lines[start + 1 :]


def test_a_dry_run_changes_nothing_and_reports_what_a_real_run_does(uploads, settings):
    media = Path(settings.MEDIA_ROOT)
    before = _snapshot(media)
    dry = run_import(SITE_EXPORT, "--media-dir", uploads, "--dry-run")
    assert "dry run: nothing changed" in dry
    assert _snapshot(media) == before
    real = run_import(SITE_EXPORT, "--media-dir", uploads)
    assert _table_and_reasons(dry) == _table_and_reasons(real)
    assert Post.objects.filter(slug="business-case").exists()
