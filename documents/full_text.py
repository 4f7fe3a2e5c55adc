"""Full-text search through the database's own index: SQLite FTS5 or PostgreSQL's tsvector.

One interface for the site search (news.search) and the papers library: `matching()` keeps
the rows of a queryset holding every term, stemmed ("supporting" finds "support"), and
gives each a `rank` (an alias: annotate what uses it), higher being better, from weighted columns.

The index is the database's, kept current by triggers the search-index migrations create
(news 0014, documents 0006): every write reaches it, `save()`, `bulk_create()`, `update()` and
raw SQL alike, so nothing needs remembering in code that writes rows. On SQLite, an
external-content FTS5 table `<table>_fts` (tokenize='porter unicode61'); on PostgreSQL, a
`search_vector` tsvector column with a GIN index, weighted A/B/D by a BEFORE trigger.
The index holds every row, published or not: who may see a row stays the queryset's rule.

Wagtail's extracted `modelsearch` was considered: it indexes on model signals (so bulk_create
and update() are missed until a rebuild command runs) into its own entry table reached
through content types (one more join per search), so the small backend here was preferred.
"""

import json
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL

# The text configuration PostgreSQL stems with; SQLite's FTS5 uses the Porter stemmer.
POSTGRES_CONFIG = "english"
# Characters of a long text (a paper's) that are indexed: far beyond any real paper's words,
# and under PostgreSQL's 1 MB limit for one tsvector.
MAX_INDEXED_CHARACTERS = 500_000
# The SQLite triggers keeping an index current, in the order sqlite_index_sql makes them.
TRIGGERS = ("insert", "delete", "update")


@dataclass(frozen=True)
class Index:
    """What is indexed of a table: its columns with their weights, best first (3 of them)."""

    table: str
    columns: tuple[str, str, str]
    weights: tuple[float, float, float]  # relative: a title's match counts this much more

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"


def matching(
    queryset: QuerySet, terms: list[str], index: Index, newest: int | None = None
) -> QuerySet:
    """Rows of `queryset` holding every one of `terms` (in any indexed column), `rank` aliased.

    With `newest`, only the `newest` last-written rows of the table holding the terms are
    kept: ranking costs time for every row it ranks (bm25 over 100,000 rows takes 300 ms on
    SQLite), so a query found nearly everywhere is ranked among recent rows only.
    """
    if connections[queryset.db].vendor == "postgresql":
        return _matching_postgres(queryset, terms, index, newest)
    return _matching_sqlite(queryset, terms, index, newest)


def fts5_query(terms: list[str]) -> str:
    """The terms as an FTS5 query every one must match: each quoted, so none is an operator."""
    return " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)


def _matching_sqlite(
    queryset: QuerySet, terms: list[str], index: Index, newest: int | None
) -> QuerySet:
    fts, query = index.fts_table, fts5_query(terms)
    weights = ", ".join(str(weight) for weight in index.weights)
    where = [f"{fts}.rowid = {index.table}.id", f"{fts} MATCH %s"]
    params: list[str | int] = [query]
    if newest:
        # A rowid range FTS5 applies itself while matching; the bound costs under 1 ms.
        where.append(
            f"{fts}.rowid >= coalesce((SELECT rowid FROM {fts} WHERE {fts} MATCH %s "  # noqa: S608 # nosec B608 # an Index's names, no input
            "ORDER BY rowid DESC LIMIT 1 OFFSET %s), 0)"
        )
        params += [query, newest - 1]
    # Joined, not a subquery: SQLite then walks the index's matches first and reads bm25()
    # from the same cursor, instead of matching again for every row (300 µs a row). extra()
    # is the ORM's one way to join a table no model describes.
    joined = queryset.extra(  # noqa: S610 # nosec B610 # the query is a parameter, names an Index's
        tables=[fts], where=where, params=params
    )
    # bm25() is lower for better matches; negated so that higher is better on both databases.
    rank = RawSQL(f"-bm25({fts}, {weights})", [], output_field=FloatField())  # noqa: S611 # nosec B611 # an Index's names, no input
    return joined.alias(rank=rank)


def _matching_postgres(
    queryset: QuerySet, terms: list[str], index: Index, newest: int | None
) -> QuerySet:
    vector = RawSQL(f"{index.table}.search_vector", [], output_field=SearchVectorField())  # noqa: S611 # nosec B611 # an Index's names, no input
    query = SearchQuery(" ".join(terms), search_type="websearch", config=POSTGRES_CONFIG)
    queryset = queryset.alias(search_vector=vector)
    if newest:
        # The rows as a list of ids the planner can count, not a range: with a range it
        # expected a third of the table and checked each row's other conditions (a paper's
        # public(), with its EXISTS) by hashing every attachment of every published post,
        # 200 ms at 100,000 posts; given at most `newest` ids, it checks just those, by index.
        # Raw: a subquery of the ORM would rename the table, and `vector` names it.
        order = "id" if _walk_newest_first(queryset.db, index, terms, newest) else "id + 0"
        found = RawSQL(  # noqa: S611 # nosec B611 # an Index's names, no input
            f"SELECT id FROM {index.table} WHERE search_vector @@ "  # noqa: S608 # nosec B608 # names from the Index, no input
            f"websearch_to_tsquery(%s::regconfig, %s) ORDER BY {order} DESC LIMIT %s",
            [POSTGRES_CONFIG, " ".join(terms), newest],
        )
        queryset = queryset.filter(pk__in=found)
    else:
        queryset = queryset.filter(search_vector=query)
    title, summary, body = index.weights
    top = max(index.weights)
    # ts_rank's weights are for D, C, B, A; the columns are weighted A, B and D.
    weights = [body / top, 0.0, summary / top, title / top]
    return queryset.alias(rank=SearchRank(vector, query, weights=weights))


def _walk_newest_first(using: str, index: Index, terms: list[str], newest: int) -> bool:
    """Whether the newest `newest` rows holding the terms are found sooner by walking the table
    from its newest row, testing each, than by reading every match from the GIN index.

    Walking tests about newest × rows / matches rows, reading the index's matches all of them:
    so walk when matches² > newest × rows, by the planner's own estimates (one EXPLAIN, under a
    millisecond). Left to itself, the planner underrates testing a row (it reads the row's
    whole tsvector) and walked for a word in 4% of 100,000 posts: 25,000 rows, 80 ms, where
    the index's 4,000 matches take 10 ms; and the index's every match for a word found
    everywhere takes 150 ms, where walking takes 1.
    """
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {index.table} WHERE search_vector @@ "  # noqa: S608 # nosec B608 # names from the Index, no input
            f"websearch_to_tsquery(%s::regconfig, %s) UNION ALL SELECT 1 FROM {index.table}",
            [POSTGRES_CONFIG, " ".join(terms)],
        )
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    matches, rows = (part["Plan Rows"] for part in plan[0]["Plan"]["Plans"])
    return matches * matches > newest * rows


def sqlite_index_sql(index: Index) -> list[str]:
    """The FTS5 table, the triggers keeping it current and its first filling, for a migration."""
    table, fts = index.table, index.fts_table
    columns = ", ".join(index.columns)
    new = ", ".join(f"new.{column}" for column in index.columns)
    old = ", ".join(f"old.{column}" for column in index.columns)
    delete_old = f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old});"  # noqa: S608 # nosec B608 # an Index's names, no input
    insert_new = f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new});"  # noqa: S608 # nosec B608 # an Index's names, no input
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='{table}', "
        f"content_rowid='id', tokenize='porter unicode61')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert_new} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete_old} END",
        # Only when an indexed column changes: a download count or a status does not reindex.
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table} "
        f"BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608 # nosec B608 # an Index's names, no input
    ]


def restore_sqlite_triggers(connection, index: Index) -> bool:
    """Make again the triggers of an index whose table a later migration remade, and refill it.

    SQLite alters a table by making a new one and dropping the old, and its triggers go with
    it: so after every migrate (post_migrate), an index missing a trigger is mended. True if
    it was.
    """
    if connection.vendor != "sqlite":
        return False
    fts = index.fts_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE name = %s OR (type = 'trigger' "
            "AND tbl_name = %s)",
            [fts, index.table],
        )
        found = set(cursor.fetchall())
        if ("table", fts) not in found:
            return False  # not migrated this far yet
        statements = sqlite_index_sql(index)
        triggers = {
            f"{fts}_{event}": sql for event, sql in zip(TRIGGERS, statements[1:4], strict=True)
        }
        missing = [sql for name, sql in triggers.items() if ("trigger", name) not in found]
        for statement in missing:
            cursor.execute(statement)
        if missing:
            cursor.execute(statements[-1])  # rows written meanwhile were not indexed
    return bool(missing)


def sqlite_drop_sql(index: Index) -> list[str]:
    fts = index.fts_table
    return [
        *(f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in TRIGGERS),
        f"DROP TABLE IF EXISTS {fts}",
    ]


def postgres_index_sql(index: Index) -> list[str]:
    """The tsvector column, its GIN index, the trigger keeping it current and its filling."""
    table = index.table
    title, summary, body = index.columns
    function = f"{table}_search_vector"

    def weighted(column: str, weight: str) -> str:
        text = f"left(coalesce(NEW.{column}, ''), {MAX_INDEXED_CHARACTERS})"
        return f"setweight(to_tsvector('{POSTGRES_CONFIG}', {text}), '{weight}')"

    return [
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector",
        f"CREATE INDEX {table}_search_vector ON {table} USING GIN (search_vector)",
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.search_vector := {weighted(title, 'A')} || {weighted(summary, 'B')} "
        f"|| {weighted(body, 'D')}; RETURN NEW; END $$",
        f"CREATE TRIGGER {function} BEFORE INSERT OR UPDATE OF {title}, {summary}, {body} "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        # Fires the trigger for the rows already there.
        f"UPDATE {table} SET {title} = {title}",  # noqa: S608 # nosec B608 # an Index's names, no input
    ]


def postgres_drop_sql(index: Index) -> list[str]:
    function = f"{index.table}_search_vector"
    return [
        f"DROP TRIGGER IF EXISTS {function} ON {index.table}",
        f"DROP FUNCTION IF EXISTS {function}()",
        f"ALTER TABLE {index.table} DROP COLUMN IF EXISTS search_vector",
    ]


def create_index(schema_editor, index: Index) -> None:
    """For a migration: the index this database uses (none on other databases)."""
    _run(schema_editor, index, postgres_index_sql, sqlite_index_sql)


def drop_index(schema_editor, index: Index) -> None:
    _run(schema_editor, index, postgres_drop_sql, sqlite_drop_sql)


def _run(schema_editor, index: Index, postgres, sqlite) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgres, "sqlite": sqlite}.get(vendor)
    for statement in statements(index) if statements else []:
        schema_editor.execute(statement, params=None)
