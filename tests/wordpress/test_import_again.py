"""Running an import again: the same file changes nothing, a later export adds what is new
and updates what changed in WordPress, and what staff changed here since is reported, kept."""

import pytest

from comments.models import Comment
from comments.services import moderate
from documents.models import Document
from news.models import Post
from tests.wordpress.conftest import SITE_EXPORT, counts_line, run_import
from tests.wordpress_export import Entry, Reply, write_export
from wordpress.models import LegacyAddress

pytestmark = pytest.mark.django_db


def test_a_second_run_of_the_same_file_changes_nothing(uploads):
    run_import(SITE_EXPORT, "--media-dir", uploads)
    rows = {
        "posts": list(Post.objects.values_list("pk", "slug", "body", "updated_at")),
        "comments": list(Comment.objects.values_list("pk", "status", "text")),
        "papers": list(Document.objects.values_list("pk", "sha256")),
        "addresses": LegacyAddress.objects.count(),
    }
    again = run_import(SITE_EXPORT, "--media-dir", uploads)
    assert counts_line(again, "post") == ["0", "0", "6", "0", "1", "0"]
    assert counts_line(again, "comment") == ["0", "0", "6", "0", "1", "0"]
    assert counts_line(again, "paper") == ["0", "0", "1", "0", "2", "0"]
    assert rows == {
        "posts": list(Post.objects.values_list("pk", "slug", "body", "updated_at")),
        "comments": list(Comment.objects.values_list("pk", "status", "text")),
        "papers": list(Document.objects.values_list("pk", "sha256")),
        "addresses": LegacyAddress.objects.count(),
    }


def _export(tmp_path, name, entries):
    return write_export(tmp_path / name, entries)


def test_a_later_export_adds_the_new_and_updates_the_changed(tmp_path):
    first = [
        Entry(1, "Kept as it was", "<p>Same.</p>", slug="kept"),
        Entry(
            2, "Changed there", "<p>Old words.</p>", slug="changed", replies=[Reply(10, "First!")]
        ),
    ]
    run_import(_export(tmp_path, "first.xml", first))
    later = [
        Entry(1, "Kept as it was", "<p>Same.</p>", slug="kept"),
        Entry(
            2,
            "Changed there",
            "<p>New words.</p>",
            slug="changed-slug",
            replies=[Reply(10, "First!"), Reply(11, "Second.", parent=10)],
        ),
        Entry(3, "Brand new", "<p>Hello.</p>", slug="brand-new"),
    ]
    output = run_import(_export(tmp_path, "later.xml", later))
    assert counts_line(output, "post") == ["1", "1", "1", "0", "0", "0"]
    assert counts_line(output, "comment") == ["1", "0", "1", "0", "0", "0"]
    changed = Post.objects.get(title="Changed there")
    assert changed.body == "<p>New words.</p>" and changed.slug == "changed-slug"
    assert changed.old_slugs.filter(old_slug="changed").exists()  # the earlier address too
    second = Comment.objects.get(text="Second.")
    assert second.parent == Comment.objects.get(text="First!")
    assert Post.objects.filter(slug="brand-new").exists()


def test_a_post_edited_here_since_is_reported_not_overwritten(tmp_path):
    run_import(_export(tmp_path, "first.xml", [Entry(1, "Original", "<p>Theirs.</p>")]))
    post = Post.objects.get()
    post.body = "<p>Ours, improved here.</p>"
    post.save()
    output = run_import(
        _export(tmp_path, "later.xml", [Entry(1, "Original", "<p>Theirs, changed.</p>")])
    )
    assert counts_line(output, "post") == ["0", "0", "0", "1", "0", "0"]
    assert "Edited here: post “Original” (ID 1): changed here since the last import" in output
    post.refresh_from_db()
    assert post.body == "<p>Ours, improved here.</p>"


def test_a_reply_moderated_here_keeps_the_moderators_decision(tmp_path, admin_user):
    run_import(
        _export(
            tmp_path,
            "first.xml",
            [
                Entry(1, "Post", "<p>x</p>", replies=[Reply(10, "Hello", approved="0")]),
            ],
        )
    )
    moderate(Comment.objects.all(), status=Comment.Status.SPAM, by=admin_user)
    output = run_import(
        _export(
            tmp_path,
            "later.xml",
            [
                Entry(1, "Post", "<p>x</p>", replies=[Reply(10, "Hello", approved="1")]),
            ],
        )
    )
    assert counts_line(output, "comment") == ["0", "0", "0", "1", "0", "0"]
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_a_post_deleted_here_is_not_brought_back(tmp_path):
    export = _export(tmp_path, "first.xml", [Entry(1, "Unwanted", "<p>x</p>")])
    run_import(export)
    Post.objects.all().delete()
    output = run_import(export)
    assert "deleted here since the last import" in output
    assert not Post.objects.exists()
