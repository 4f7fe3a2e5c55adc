"""A queryset turned into SQL once per process, then run again and again with a new key.

Building and compiling a queryset costs far more than running it: the public papers'
definition (`Document.objects.public()`, two EXISTS with a post's state inside) takes about
2 ms of Python to turn into SQL and some 50 µs for SQLite to answer. A download asks exactly
that question for one paper on every request, so `CompiledQuery` keeps the SQL the ORM wrote
and only swaps its values:

- the keys: the queryset is built once with markers (`MARKER`, `MARKER - 1`, …) as the
  looked-up values, and each run puts its keys in those parameters' places (a marker found
  other than exactly once: not kept);
- the clock: a definition that reads `timezone.now()` (a post is public once its time has
  come) leaves that moment among the parameters. Every datetime parameter that falls within
  the building of the query is that `now`, and each run puts the current moment there, so the
  answer is exactly the ORM's own at that moment. A moment a fixed time before now (a reply
  held in the last five minutes) is kept the same way when the caller names that time
  (`ago`). Any other datetime parameter (a fixed date, a moment derived otherwise) cannot be
  vouched for: such a query is never kept, and runs through the ORM every time.

`CompiledCount` does the same for a count (a reply's page: the conversations before it).
The definition stays said once, in the queryset; this only remembers its SQL.
"""

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Field, Model, QuerySet
from django.utils import timezone

# Keys no row has: found among the parameters to learn where the real keys go.
MARKER = -7_355_608_131


def _markers(count: int) -> list[int]:
    return [MARKER - i for i in range(count)]


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    keys_at: tuple[int, ...]  # where each key goes, in order
    now_at: tuple[tuple[int, timedelta], ...]  # where the clock goes, and how long before now

    def run(self, connection, keys) -> list:
        params = list(self.params)
        for i, key in zip(self.keys_at, keys, strict=True):
            params[i] = key
        if self.now_at:
            now = timezone.now()
            for i, ago in self.now_at:
                params[i] = connection.ops.adapt_datetimefield_value(now - ago)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


def _compile(
    queryset_of: Callable[..., QuerySet], count: int, alias: str, ago: Sequence[timedelta] = ()
) -> _Statement | None:
    """The SQL of `queryset_of(*keys)` for `count` keys, or None where it cannot be vouched
    for: a key not found exactly once, or a moment other than now, or now less one of `ago`,
    among the parameters."""
    markers = _markers(count)
    before = timezone.now()
    try:
        sql, params = queryset_of(*markers).using(alias).query.sql_with_params()
    except EmptyResultSet:  # no SQL at all (`pk__in=[]`): the ORM answers without asking
        return None
    after = timezone.now()
    keys_at = []
    for marker in markers:
        found = [i for i, value in enumerate(params) if value == marker]
        if len(found) != 1:
            return None
        keys_at.append(found[0])
    now_at = []
    for i, value in enumerate(params):
        moment = _as_datetime(value)
        if moment is None:
            continue
        offsets = [offset for offset in (timedelta(0), *ago) if before <= moment + offset <= after]
        if len(offsets) != 1:
            return None
        now_at.append((i, offsets[0]))
    return _Statement(sql, tuple(params), tuple(keys_at), tuple(now_at))


class CompiledQuery[M: Model]:
    """`build(key)` gives a queryset of `fields` of one model; `get(key)` is its first row as
    an instance with those fields loaded (the others deferred), or None."""

    def __init__(self, model: type[M], fields: Sequence[str], build: Callable[..., QuerySet]):
        self.model = model
        self.fields = tuple(fields)
        self.build = build
        # One statement per database alias and engine: the SQL is the engine's own dialect.
        self._statements: dict[tuple[str, str], _Statement | None] = {}
        self._converters: dict[tuple[str, str], tuple[tuple, ...]] = {}

    def _queryset(self, key) -> QuerySet:
        return self.build(key).order_by().values_list(*self.fields)

    def get(self, key, using: str = "default") -> M | None:
        connection = connections[using]
        slot = (using, connection.vendor)
        if slot not in self._statements:
            self._statements[slot] = _compile(self._queryset, 1, using)
            self._converters[slot] = _converters(connection, self.model, self.fields)
        statement = self._statements[slot]
        if statement is None:
            row = self._queryset(key).using(using).first()
            values = None if row is None else list(row)
        else:
            rows = statement.run(connection, [key])
            # Values as the ORM returns them (an aware datetime from SQLite's text, say).
            values = _converted(connection, self._converters[slot], rows[0]) if rows else None
        if values is None:
            return None
        # The attribute names the ORM would set ("uploaded_by_id" for a ForeignKey).
        names = [_field(self.model, name).attname for name in self.fields]
        return self.model.from_db(using, names, values)


class CompiledCount:
    """`count(*keys)`: how many rows `build(*keys)` has, as `build(*keys).count()` would say,
    from SQL written once per process for each number of keys (a list of ids of any length
    passes its ids as keys). `ago`: the times before now that `build` reads moments at."""

    def __init__(self, build: Callable[..., QuerySet], *, ago: Sequence[timedelta] = ()):
        self.build = build
        self.ago = tuple(ago)
        self._statements: dict[tuple[str, str, int], _Statement | None] = {}

    def count(self, *keys, using: str = "default") -> int:
        connection = connections[using]
        slot = (using, connection.vendor, len(keys))
        if slot not in self._statements:
            statement = _compile(self.build, len(keys), using, self.ago)
            if statement is not None:
                # As Django counts a query with DISTINCT or LIMIT: over it as a subquery.
                sql = statement.sql
                counted = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608 # nosec B608 # the ORM's SQL, values apart
                statement = dataclasses.replace(statement, sql=counted)
            self._statements[slot] = statement
        statement = self._statements[slot]
        if statement is None:
            return self.build(*keys).using(using).count()
        return statement.run(connection, keys)[0][0]


def _as_datetime(value) -> datetime | None:
    """A parameter as an aware moment, if it is one (SQLite's parameters are text)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        # Django writes naive UTC for a database without time zone support (SQLite).
        moment = timezone.make_aware(moment, UTC)
    return moment


def _converters(connection, model: type[Model], fields: Sequence[str]) -> tuple[tuple, ...]:
    """Per column, (expression, converters) as the ORM's compiler applies them."""
    columns = []
    for name in fields:
        expression = _field(model, name).get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        columns.append((expression, tuple(found)))
    return tuple(columns)


def _converted(connection, converters: tuple[tuple, ...], row) -> list:
    values = list(row)
    for i, (expression, column_converters) in enumerate(converters):
        for converter in column_converters:
            values[i] = converter(values[i], expression, connection)
    return values


def _field(model: type[Model], name: str) -> Field:
    # Only a model's own columns are ever named here, never a reverse relation.
    return cast(Field, model._meta.get_field(name))
