"""The download's lookup of one paper (`Document.objects.for_download`) runs SQL compiled once
per process (documents.compiled): it must answer exactly as `visible_to()` does, at every
moment a post appears or is taken down, and cost one query."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.compiled import CompiledCount, CompiledQuery
from documents.models import DOWNLOAD_FIELDS, Document
from news.models import Post
from tests.factories import attach, make_document, make_post

pytestmark = pytest.mark.django_db

VISITOR = AnonymousUser()


def agree(document: Document) -> bool:
    """Both answers for a visitor, which must agree; returns whether it may be downloaded."""
    fast = Document.objects.for_download(VISITOR, document.pk)
    slow = Document.objects.visible_to(VISITOR).filter(pk=document.pk).exists()
    assert (fast is not None) == slow
    return slow


def test_a_public_paper_is_found_with_what_serving_it_reads_and_nothing_else():
    paper = make_document(title="Recovery")

    with CaptureQueriesContext(connection) as queries:
        found = Document.objects.for_download(VISITOR, paper.pk)
        # What a download reads, without another query.
        read = (found.title, found.file.name, found.size, found.sha256, found.file_updated_at)

    assert len(queries) == 1
    assert "text" not in queries[0]["sql"].split("FROM")[0].replace('"title"', "")
    assert read == (paper.title, paper.file.name, paper.size, paper.sha256, paper.file_updated_at)
    assert found.file_updated_at.tzinfo is not None
    assert found.get_deferred_fields() == {
        f.attname for f in Document._meta.concrete_fields if f.name not in DOWNLOAD_FIELDS
    }


def test_no_paper_and_a_staff_only_paper_are_none_for_a_visitor():
    staff_only = make_document(visibility=Document.Visibility.STAFF)

    assert Document.objects.for_download(VISITOR, staff_only.pk + 1000) is None
    assert not agree(staff_only)


def test_a_paper_with_its_post_appears_and_goes_at_the_post_s_own_moments():
    now = timezone.now()
    paper = make_document(visibility=Document.Visibility.WITH_POSTS)
    post = make_post(published_at=now + timedelta(hours=1), expires_at=now + timedelta(hours=2))
    attach(post, paper)

    assert not agree(paper)  # scheduled: not yet
    with time_machine.travel(now + timedelta(hours=1, seconds=1)):
        assert agree(paper)  # its post has appeared
    with time_machine.travel(now + timedelta(hours=2, seconds=1)):
        assert not agree(paper)  # taken down by its expiry
    Post.objects.filter(pk=post.pk).update(expires_at=None)
    with time_machine.travel(now + timedelta(hours=2, seconds=1)):
        assert agree(paper)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)
    assert not agree(paper)


def test_a_public_paper_waits_for_the_post_that_carries_it():
    paper = make_document(visibility=Document.Visibility.PUBLIC)
    assert agree(paper)  # in the library only

    attach(make_post(status=Post.Status.DRAFT), paper)
    assert not agree(paper)


def test_staff_who_manage_papers_get_any_paper(django_user_model):
    staff = django_user_model.objects.create_user("papers", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_document"))
    paper = make_document(visibility=Document.Visibility.STAFF)

    assert Document.objects.for_download(staff, paper.pk) == paper


def test_the_sql_is_made_once_and_the_clock_and_key_move_each_time():
    compiled = CompiledQuery(Document, ("id",), lambda pk: Document.objects.public().filter(pk=pk))
    papers = [make_document(title=f"Paper {n}") for n in range(2)]

    assert [compiled.get(paper.pk).pk for paper in papers] == [paper.pk for paper in papers]
    (statement,) = compiled._statements.values()
    assert len(statement.now_at) == 2  # published_at and expires_at against now
    compiled.get(papers[0].pk)
    assert compiled._statements == {("default", connection.vendor): statement}


def test_a_query_with_a_moment_it_cannot_vouch_for_is_never_kept():
    """A moment other than now (here a day ago) would be frozen in the SQL: the ORM runs."""
    since = timezone.now() - timedelta(days=1)
    compiled = CompiledQuery(
        Document, ("id",), lambda pk: Document.objects.filter(pk=pk, uploaded_at__gte=since)
    )
    paper = make_document()

    assert compiled.get(paper.pk).pk == paper.pk
    assert list(compiled._statements.values()) == [None]


def test_a_moment_a_named_time_before_now_is_kept_and_moves_with_the_clock():
    day = timedelta(days=1)
    counted = CompiledCount(
        lambda: Document.objects.filter(uploaded_at__gte=timezone.now() - day), ago=[day]
    )
    make_document()

    assert counted.count() == 1
    with time_machine.travel(timezone.now() + day + timedelta(seconds=1)):
        assert counted.count() == 0
    (statement,) = counted._statements.values()
    assert statement.now_at == ((0, day),)


def test_a_compiled_count_agrees_with_the_orm_for_any_number_of_ids():
    papers = [make_document(title=f"Paper {n}") for n in range(4)]
    ids = [paper.pk for paper in papers]

    def public_among(*pks):
        return Document.objects.public().filter(pk__in=pks).exclude(title="Paper 0")

    counted = CompiledCount(public_among)
    for chosen in ([], ids[:1], ids[:2], ids, ids[1:3]):
        assert counted.count(*chosen) == public_among(*chosen).count()
    Document.objects.filter(pk=ids[1]).update(visibility=Document.Visibility.STAFF)
    assert counted.count(*ids) == public_among(*ids).count() == 2
    # Kept for 1, 2 and 4 ids; no ids at all is no SQL (`IN ()`), which the ORM answers.
    kept = {slot[2]: statement is not None for slot, statement in counted._statements.items()}
    assert kept == {0: False, 1: True, 2: True, 4: True}
