"""Reading and moving the content stamp.

Coarse on purpose: any change anywhere makes every page fresh again, which keeps the rule
simple and never wrong.
"""

import functools
from datetime import datetime

from django.db import connections, router
from django.utils import timezone

from freshness.models import ContentStamp


@functools.cache
def _reading(alias: str, vendor: str) -> tuple[str, tuple, object, list]:
    """The stamp's query as the ORM writes it for this database, with the converters the ORM
    applies to its one value. It has no value that changes (no clock, no key), so it is
    written once per process: building and compiling a queryset costs several times what
    the database takes to answer it, and every page, kept or drawn, asks it."""
    latest = ContentStamp.objects.using(alias).order_by("pk").values_list("changed_at")[:1]
    sql, params = latest.query.sql_with_params()
    connection = connections[alias]
    column = ContentStamp._meta.get_field("changed_at").get_col(ContentStamp._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    return sql, params, column, converters


def site_changed_at() -> datetime | None:
    """When public content was last saved or deleted; None before the first change."""
    alias = router.db_for_read(ContentStamp)
    connection = connections[alias]
    sql, params, column, converters = _reading(alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    value = row[0]
    for converter in converters:
        value = converter(value, column, connection)
    return value


def mark_site_changed(**signal_arguments) -> None:
    """Record that public content changed now (also a receiver for save and delete signals)."""
    now = timezone.now()
    if not ContentStamp.objects.filter(pk=1).update(changed_at=now):
        ContentStamp.objects.get_or_create(pk=1, defaults={"changed_at": now})
