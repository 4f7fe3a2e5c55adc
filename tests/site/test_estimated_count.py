"""The admin lists' paginator: the planner's estimate for a big, unfiltered PostgreSQL table,
an exact count everywhere else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from imroc_site import paginators
from imroc_site.paginators import EstimatedCountPaginator
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="estimated counts are PostgreSQL's (pg_class)"
)


def replies(count: int) -> None:
    post = make_post()
    for n in range(count):
        make_comment(post, text=f"Reply {n}")


def analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")


def counted(queryset) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(queryset, 10).count
    return count, [query["sql"] for query in queries]


@on_postgresql
def test_a_big_whole_table_is_counted_by_the_planners_estimate(monkeypatch):
    monkeypatch.setattr(paginators, "ESTIMATE_FROM", 5)
    replies(12)
    analyse()
    replies(3)  # not yet analysed: the estimate lags, which is its price

    count, queries = counted(Comment.objects.order_by("-pk"))

    assert count == 12
    assert not [sql for sql in queries if "COUNT(" in sql.upper()]
    assert EstimatedCountPaginator(Comment.objects.order_by("-pk"), 10).num_pages == 2


@on_postgresql
def test_a_filtered_list_and_a_small_table_are_counted_exactly(monkeypatch):
    replies(6)
    analyse()
    assert counted(Comment.objects.all())[0] == 6  # under ESTIMATE_FROM
    monkeypatch.setattr(paginators, "ESTIMATE_FROM", 5)
    make_comment(make_post(), status=Comment.Status.PENDING)
    count, queries = counted(Comment.objects.filter(status=Comment.Status.PENDING))
    assert count == 1
    assert [sql for sql in queries if "COUNT(" in sql.upper()]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the other databases' case")
def test_other_databases_count_exactly(monkeypatch):
    monkeypatch.setattr(paginators, "ESTIMATE_FROM", 1)
    replies(3)
    count, queries = counted(Comment.objects.all())
    assert count == 3
    assert [sql for sql in queries if "COUNT(" in sql.upper()]
