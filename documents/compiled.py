"""A queryset turned into SQL once per process, then run again and again with a new key.

Building and compiling a queryset costs far more than running it: the public papers'
definition (`Document.objects.public()`, two EXISTS with a post's state inside) takes about
2 ms of Python to turn into SQL and some 50 µs for SQLite to answer. A download asks exactly
that question for one paper on every request, so `CompiledQuery` keeps the SQL the ORM wrote
and only swaps its values:

- the keys: the queryset is built once with markers as the looked-up values, one of each
  key's kind (`MARKER`, `MARKER - 1`, … for numbers; text no one types; moments in 1901),
  and each run puts its keys in those parameters' places, a moment as the database takes it
  (a marker found other than exactly once: not kept);
- the clock: a definition that reads `timezone.now()` (a post is public once its time has
  come) leaves that moment among the parameters. Every datetime parameter that falls within
  the building of the query is that `now`, and each run puts the current moment there, so the
  answer is exactly the ORM's own at that moment. A datetime parameter outside that window
  (a moment derived from now, a fixed date) cannot be vouched for: such a query is never
  kept, and runs through the ORM every time.

`CompiledCount` does the same for a count (a reply's page: the conversations before it;
the replies from one address since a moment, for the flood rules).
The definition stays said once, in the queryset; this only remembers its SQL.

`CompiledInsert` keeps a model's INSERT (a reply is one on every reply sent): `save()` runs
as ever (signals, field defaults, related checks, the transaction), and only the statement,
once the ORM has written it for a set of columns, is used again with the new row's values.

Over 250 lines because the three share the marker and conversion helpers they are built on.
"""

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import Field, Model, QuerySet
from django.db.models.sql.subqueries import InsertQuery
from django.utils import timezone

# Keys no row has: found among the parameters to learn where the real keys go.
MARKER = -7_355_608_131
MARKER_TEXT = "\x1fkey {}\x1f"
MARKER_MOMENT = datetime(1901, 1, 1, tzinfo=UTC)

# The kinds of key a statement is written for; each kind of keys gets its own statement.
NUMBER, TEXT, MOMENT = "number", "text", "moment"


def _kind(key) -> str:
    if isinstance(key, datetime):
        return MOMENT
    return TEXT if isinstance(key, str) else NUMBER


def _markers(kinds: Sequence[str]) -> list:
    markers: list = []
    for i, kind in enumerate(kinds):
        if kind == MOMENT:
            markers.append(MARKER_MOMENT + timedelta(seconds=i))
        elif kind == TEXT:
            markers.append(MARKER_TEXT.format(i))
        else:
            markers.append(MARKER - i)
    return markers


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    keys_at: tuple[int, ...]  # where each key goes, in order
    now_at: tuple[int, ...]
    kinds: tuple[str, ...]

    def run(self, connection, keys) -> list:
        params = list(self.params)
        for i, kind, key in zip(self.keys_at, self.kinds, keys, strict=True):
            params[i] = connection.ops.adapt_datetimefield_value(key) if kind == MOMENT else key
        if self.now_at:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            for i in self.now_at:
                params[i] = now
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


def _compile(
    queryset_of: Callable[..., QuerySet], kinds: tuple[str, ...], alias: str
) -> _Statement | None:
    """The SQL of `queryset_of(*keys)` for keys of these kinds, or None where it cannot be
    vouched for: a key not found exactly once, or a moment other than now among the
    parameters that is not a key."""
    markers = _markers(kinds)
    before = timezone.now()
    try:
        sql, params = queryset_of(*markers).using(alias).query.sql_with_params()
    except EmptyResultSet:  # no SQL at all (`pk__in=[]`): the ORM answers without asking
        return None
    except (ValueError, TypeError, ValidationError):
        # A field that checks its value as it is sent refused the marker (PostgreSQL's
        # address field takes only an address): the ORM writes this one each time.
        return None
    after = timezone.now()
    ops = connections[alias].ops
    keys_at = []
    for kind, marker in zip(kinds, markers, strict=True):
        sent = ops.adapt_datetimefield_value(marker) if kind == MOMENT else marker
        found = [i for i, value in enumerate(params) if value == sent]
        if len(found) != 1:
            return None
        keys_at.append(found[0])
    now_at = []
    for i, value in enumerate(params):
        moment = _as_datetime(value)
        if moment is None or i in keys_at:
            continue
        if not before <= moment <= after:
            return None
        now_at.append(i)
    return _Statement(sql, tuple(params), tuple(keys_at), tuple(now_at), kinds)


class CompiledQuery[M: Model]:
    """`build(key)` gives a queryset of `fields` of one model; `get(key)` is its first row as
    an instance with those fields loaded (the others deferred), or None."""

    def __init__(self, model: type[M], fields: Sequence[str], build: Callable[..., QuerySet]):
        self.model = model
        self.fields = tuple(fields)
        self.build = build
        # One statement per database alias and engine: the SQL is the engine's own dialect.
        self._statements: dict[tuple[str, str, str], _Statement | None] = {}
        self._converters: dict[tuple[str, str, str], tuple[tuple, ...]] = {}

    def _queryset(self, key) -> QuerySet:
        return self.build(key).order_by().values_list(*self.fields)

    def get(self, key, using: str = "default") -> M | None:
        connection = connections[using]
        slot = (using, connection.vendor, _kind(key))
        if slot not in self._statements:
            self._statements[slot] = _compile(self._queryset, (_kind(key),), using)
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
    passes its ids as keys)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._statements: dict[tuple[str, str, tuple[str, ...]], _Statement | None] = {}

    def _counted(self, *keys) -> QuerySet:
        # Unordered, as Django counts: an ORDER BY inside the count could make the planner
        # walk the index of that order instead of the one that finds the rows (a slice keeps
        # its order: the rows it takes depend on it).
        queryset = self.build(*keys)
        return queryset if queryset.query.is_sliced else queryset.order_by()

    def count(self, *keys, using: str = "default") -> int:
        connection = connections[using]
        kinds = tuple(_kind(key) for key in keys)
        slot = (using, connection.vendor, kinds)
        if slot not in self._statements:
            statement = _compile(self._counted, kinds, using)
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


@dataclass(frozen=True)
class _Insert:
    sql: str
    returning_params: tuple
    converters: tuple[tuple, ...]  # per returned column, as `_converters` gives them


class CompiledInsert:
    """A model's `_do_insert` with the SQL the ORM wrote kept per process, for each set of
    columns and returned columns; a value the ORM would write as SQL of its own (an
    expression, a database default, a field with its own placeholder) goes through the ORM."""

    def __init__(self):
        self._statements: dict[tuple, _Insert | None] = {}

    def insert(self, instance: Model, manager, using: str, fields, returning_fields, raw, orm):
        """What `Model._do_insert(manager, using, fields, returning_fields, raw)` returns;
        `orm()` is Django's own, for what is not kept."""
        connection = connections[using]
        slot = (using, connection.vendor, manager.model, tuple(fields), tuple(returning_fields))
        # As the ORM's insert compiler takes each value (pre_save_val, prepare_value).
        values = [
            getattr(instance, field.attname) if raw else field.pre_save(instance, add=True)
            for field in fields
        ]
        if any(hasattr(value, "resolve_expression") for value in values):
            return orm()
        if slot not in self._statements:
            self._statements[slot] = _insert_statement(instance, connection, slot)
        statement = self._statements[slot]
        if statement is None:
            return orm()
        params = [
            field.get_db_prep_save(value, connection=connection)
            for field, value in zip(fields, values, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, (*params, *statement.returning_params))
            if not returning_fields:
                return []
            rows = connection.ops.fetch_returned_rows(cursor, statement.returning_params)
        return [_converted(connection, statement.converters, row) for row in rows]


def _insert_statement(instance: Model, connection, slot: tuple) -> _Insert | None:
    """The ORM's INSERT for these columns, or None where its SQL depends on the values."""
    using, _, model, fields, returning_fields = slot
    if returning_fields and not connection.features.can_return_columns_from_insert:
        return None  # the ORM asks the database for the new id its own way
    if any(field.has_db_default() or hasattr(field, "get_placeholder_sql") for field in fields):
        return None
    query = InsertQuery(model)
    # Raw: the values as they stand, so writing the SQL runs no field's pre_save a second time
    # (the values themselves are not kept, only the SQL, which is the same for any of them).
    query.insert_values(list(fields), [instance], raw=True)
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = list(returning_fields)
    statements = compiler.as_sql()
    returning_params = tuple(compiler.returning_params)
    if len(statements) != 1 or len(statements[0][1]) != len(fields) + len(returning_params):
        return None  # not one placeholder for each value: not kept
    names = [field.name for field in returning_fields]
    return _Insert(statements[0][0], returning_params, _converters(connection, model, names))


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
