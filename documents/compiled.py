"""A queryset turned into SQL once per process, then run again and again with a new key.

Building and compiling a queryset costs far more than running it: the public papers'
definition (`Document.objects.public()`, two EXISTS with a post's state inside) takes about
2 ms of Python to turn into SQL and some 50 µs for SQLite to answer. A download asks exactly
that question for one paper on every request, so `CompiledQuery` keeps the SQL the ORM wrote
and only swaps its values:

- the key: the queryset is built once with `MARKER` as the looked-up value, and each run puts
  the key in that parameter's place;
- the clock: a definition that reads `timezone.now()` (a post is public once its time has
  come) leaves that moment among the parameters. Every datetime parameter that falls within
  the building of the query is that `now`, and each run puts the current moment there, so the
  answer is exactly the ORM's own at that moment. A datetime parameter outside that window
  (a moment derived from now, a fixed date) cannot be vouched for: such a query is never
  kept, and runs through the ORM every time.

The definition stays said once, in the queryset; this only remembers its SQL.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections
from django.db.models import Model, QuerySet
from django.utils import timezone

# A key no row has: found among the parameters to learn where the real key goes.
MARKER = -7_355_608_131


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    key_at: int
    now_at: tuple[int, ...]
    converters: tuple[tuple, ...]  # per column: the ORM's own conversions of its values


class CompiledQuery:
    """`build(key)` gives a queryset of `fields` of one model; `get(key)` is its first row as
    an instance with those fields loaded (the others deferred), or None."""

    def __init__(self, model: type[Model], fields: Sequence[str], build: Callable[..., QuerySet]):
        self.model = model
        self.fields = tuple(fields)
        self.build = build
        # One statement per database alias and engine: the SQL is the engine's own dialect.
        self._statements: dict[tuple[str, str], _Statement | None] = {}

    def _queryset(self, key) -> QuerySet:
        return self.build(key).order_by().values_list(*self.fields)

    def _compile(self, alias: str) -> _Statement | None:
        before = timezone.now()
        queryset = self._queryset(MARKER).using(alias)
        sql, params = queryset.query.sql_with_params()
        after = timezone.now()
        key_at = [i for i, value in enumerate(params) if value == MARKER]
        now_at, unknown = [], False
        for i, value in enumerate(params):
            moment = _as_datetime(value, alias)
            if moment is None:
                continue
            if before <= moment <= after:
                now_at.append(i)
            else:
                unknown = True
        if len(key_at) != 1 or unknown:
            return None
        converters = _converters(connections[alias], self.model, self.fields)
        return _Statement(sql, tuple(params), key_at[0], tuple(now_at), converters)

    def get(self, key, using: str = "default") -> Model | None:
        connection = connections[using]
        slot = (using, connection.vendor)
        if slot not in self._statements:
            self._statements[slot] = self._compile(using)
        statement = self._statements[slot]
        if statement is None:
            row = self._queryset(key).using(using).first()
            values = None if row is None else list(row)
        else:
            params = list(statement.params)
            params[statement.key_at] = key
            if statement.now_at:
                now = connection.ops.adapt_datetimefield_value(timezone.now())
                for i in statement.now_at:
                    params[i] = now
            with connection.cursor() as cursor:
                cursor.execute(statement.sql, params)
                row = cursor.fetchone()
            # Values as the ORM returns them (an aware datetime from SQLite's text, say).
            values = None if row is None else _converted(connection, statement.converters, row)
        if values is None:
            return None
        # The attribute names the ORM would set ("uploaded_by_id" for a ForeignKey).
        names = [self.model._meta.get_field(name).attname for name in self.fields]
        return self.model.from_db(using, names, values)


def _as_datetime(value, alias: str) -> datetime | None:
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
        field = model._meta.get_field(name)
        expression = field.get_col(model._meta.db_table)
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
