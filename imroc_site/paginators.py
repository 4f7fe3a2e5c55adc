"""Pages of a long admin list without counting every row on every load.

On PostgreSQL, COUNT(*) reads the whole table (or index): at a million replies that is most
of an admin list's time. An unfiltered list is instead counted by the planner's estimate of the
table's rows (pg_class.reltuples, kept by autovacuum's ANALYZE), once the table is big enough
for the estimate's error not to matter; a short table, a filtered or searched list, and other
databases are counted exactly. Set as `ModelAdmin.paginator`, with `show_full_result_count =
False` so that a filtered list does not count the whole table as well.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows (by the estimate) the exact count is cheap: it is used instead.
ESTIMATE_FROM = 10_000


class EstimatedCountPaginator(Paginator):
    """A Paginator whose count of a whole, big PostgreSQL table is the planner's estimate."""

    @cached_property
    def count(self) -> int:
        estimate = estimated_rows(self.object_list)
        if estimate is not None and estimate >= ESTIMATE_FROM:
            return estimate
        return super().count


def estimated_rows(object_list) -> int | None:
    """The planner's estimate of the rows of an unfiltered queryset's table on PostgreSQL;
    None when there is none to trust (another database, a filter, a table never analysed)."""
    if not isinstance(object_list, QuerySet):
        return None
    query = object_list.query
    connection = connections[object_list.db]
    if connection.vendor != "postgresql" or query.where or query.distinct or query.is_sliced:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(object_list.model._meta.db_table)],
        )
        row = cursor.fetchone()
    # -1 (or 0) until the table is first analysed.
    return int(row[0]) if row and row[0] > 0 else None
