"""A reply's INSERT: its SQL written once per process (documents.compiled.CompiledInsert),
with every value, default and returned id as the ORM's own save gives them."""

from datetime import UTC, datetime

import pytest
from django.db.models import Value
from django.db.models.functions import Now
from django.db.models.signals import post_save
from django.db.models.sql.compiler import SQLInsertCompiler

from comments.models import Comment
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db

# Every column a reply has, as read back from the database.
COLUMNS = [field.attname for field in Comment._meta.concrete_fields]


@pytest.fixture
def sql_written(monkeypatch):
    """How many INSERTs the ORM writes from here on (each call of its insert compiler)."""
    written = []
    as_sql = SQLInsertCompiler.as_sql

    def counted(compiler):
        if compiler.query.model is Comment:
            written.append(compiler)
        return as_sql(compiler)

    monkeypatch.setattr(SQLInsertCompiler, "as_sql", counted)
    return written


def as_stored(comment: Comment) -> dict:
    return {name: getattr(comment, name) for name in COLUMNS}


def test_replies_after_the_first_are_inserted_without_writing_sql_again(sql_written):
    post = make_post()
    make_comment(post)
    sql_written.clear()

    made = [make_comment(post, text=f"Said {n}") for n in range(3)]

    assert sql_written == []
    ids = [comment.pk for comment in made]
    assert len(set(ids)) == 3 and all(isinstance(pk, int) for pk in ids)
    stored = Comment.objects.filter(pk__in=ids).order_by("pk")
    assert [comment.text for comment in stored] == ["Said 0", "Said 1", "Said 2"]


def test_a_reply_is_stored_as_the_orm_stores_it(django_user_model):
    """Every column, defaults, a relation and an address included, reads back as saved."""
    post = make_post()
    parent = make_comment(post)
    staff = make_staff(django_user_model, "Moderators")
    make_comment(post)  # the statement is kept by now
    reply = Comment(
        post=post,
        parent=parent,
        ancestry=parent.ancestry_for_child(),
        thread_key=parent.conversation_key,
        name="Ana Lúcia",
        email="ana@example.org",
        website="https://example.org/ana",
        text="Line one\nline two, with ‘quotes’ and <b>tags</b>.",
        user=staff,
        status=Comment.Status.PENDING,
        reason="Every reply is held",
        ip_address="2001:db8::7",
        user_agent="Mozilla/5.0",
        notify_on_approval=True,
        submitted_at=datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC),
    )
    reply.save()

    assert as_stored(Comment.objects.get(pk=reply.pk)) == as_stored(reply)
    assert reply._state.adding is False


def test_a_value_the_orm_writes_as_sql_goes_through_the_orm(sql_written):
    """An expression (the database's own clock, a literal) changes the SQL: the ORM writes it
    for that reply, and the next plain reply is still inserted with the kept statement."""
    post = make_post()
    make_comment(post)
    sql_written.clear()

    by_clock = make_comment(post, submitted_at=Now(), name=Value("By value"))

    assert len(sql_written) == 1
    stored = Comment.objects.get(pk=by_clock.pk)
    assert stored.name == "By value" and stored.submitted_at is not None
    make_comment(post)
    assert len(sql_written) == 1


def test_save_signals_still_see_the_new_reply():
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    post_save.connect(receiver, sender=Comment, dispatch_uid="test-reply-insert")
    try:
        made = make_comment(make_post())
    finally:
        post_save.disconnect(sender=Comment, dispatch_uid="test-reply-insert")
    assert seen == [(made.pk, True)]
