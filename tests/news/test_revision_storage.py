"""What a revision keeps in django-reversion, and the migration from PostRevision rows."""

import importlib
import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from reversion.models import Version

from news.models import Post
from news.revisions.record import content, record_revision, snapshot, time_text
from tests.factories import attach, make_document, make_post

pytestmark = pytest.mark.django_db
migration = importlib.import_module("news.migrations.0013_history_in_reversion")


def _kept_rows(revision) -> dict[str, list[dict]]:
    rows = {}
    for version in Version.objects.filter(revision=revision):
        for row in json.loads(version.serialized_data):
            rows.setdefault(row["model"], []).append(row)
    return rows


def test_a_revision_keeps_every_field_of_the_post_but_its_preview_key():
    post = make_post()

    rows = _kept_rows(record_revision(post, by=None))

    [kept] = rows["news.post"]
    fields = {field.name for field in Post._meta.concrete_fields if not field.primary_key}
    # A field added to Post later is kept from its first save, without a line here.
    assert set(kept["fields"]) == fields - {"preview_key"}


def test_a_revision_follows_the_category_tags_and_papers_with_their_titles():
    post = make_post()
    post.tags.add("recovery", "Colleges")
    attach(post, make_document(title="Business case"))

    revision = record_revision(post, by=None)

    rows = _kept_rows(revision)
    assert [row["fields"]["name"] for row in rows["news.category"]] == ["News"]
    assert sorted(row["fields"]["name"] for row in rows["taggit.tag"]) == ["Colleges", "recovery"]
    assert [row["fields"]["title"] for row in rows["documents.document"]] == ["Business case"]
    assert content(revision) == snapshot(post)


class _Rows:
    """Stands in for the PostRevision model the migration reads and writes."""

    def __init__(self, rows=()):
        self.rows, self.created = list(rows), []
        self.objects = self

    def using(self, db):
        return self

    def order_by(self, *fields):
        return self

    def iterator(self):
        return iter(self.rows)

    def create(self, **fields):
        self.created.append(fields)


def _apps_with(post_revisions):
    def get_model(app_label, name):
        if (app_label, name) == ("news", "PostRevision"):
            return post_revisions
        return apps.get_model(app_label, name)

    return SimpleNamespace(get_model=get_model)


def test_the_migration_keeps_every_post_revision_as_it_read():
    post = make_post()
    paper = make_document(title="Kept paper")
    attach(post, paper)
    post.tags.add("kept")
    old = {
        **snapshot(post),
        "published_at": (timezone.now() - timedelta(days=1)).isoformat(),  # as they were kept
        "tags": ["deleted since", "kept"],
        "papers": [{"id": paper.pk, "title": "Its old title"}, {"id": 999, "title": "Gone"}],
        "_note": "Restored from the version of 1 March 2026, 10:00.",
    }
    at = timezone.now() - timedelta(hours=1)
    row = SimpleNamespace(post_id=post.pk, content=old, created_at=at, created_by_id=None)
    editor = SimpleNamespace(connection=connection)

    migration.to_reversion(_apps_with(_Rows([row])), editor)

    [revision] = {version.revision for version in Version.objects.all()}
    assert revision.comment == old["_note"] and revision.date_created == at
    expected = {name: value for name, value in old.items() if name != "_note"}
    assert content(revision) == {**expected, "published_at": time_text(old["published_at"])}

    back = _Rows()
    migration.to_post_revisions(_apps_with(back), editor)
    assert not Version.objects.exists()  # gone back, not kept twice
    assert back.created == [
        {"post_id": post.pk, "created_at": at, "created_by_id": None, "content": old}
    ]
