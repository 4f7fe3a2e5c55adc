"""The health check's probe: can the database be written, answered within a deadline.

The probe runs on a connection of its own, with its own short timeouts, in a thread the
request waits for at most PROBE_DEADLINE_SECONDS: so /healthz answers within 3 s whatever the
database does (refuses, hangs before or after the connection, holds its lock). One probe at a
time: while one is still waiting on a hung database, the next check answers at once.
"""

import copy
import logging
import threading

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from freshness.models import ContentStamp

logger = logging.getLogger("imroc_site.health")

# The request waits this long for the probe; the probe's own timeouts end it sooner.
PROBE_DEADLINE_SECONDS = 2.5
# libpq's smallest connect_timeout is 2 s; a statement or a lock gets 1 s.
POSTGRESQL_OPTIONS = {"connect_timeout": 2}
POSTGRESQL_LIMITS = "-c statement_timeout=1s -c lock_timeout=1s"
SQLITE_BUSY_SECONDS = 1

_one_probe_at_a_time = threading.Lock()


def database_problem() -> str | None:
    """None when the database took a write (rolled back) in time, else what went wrong."""
    if not _one_probe_at_a_time.acquire(blocking=False):
        return "an earlier check is still waiting for the database"
    outcome: dict[str, str | None] = {"problem": "no answer in time"}
    thread = threading.Thread(target=_probe, args=(outcome,), daemon=True)
    thread.start()
    thread.join(PROBE_DEADLINE_SECONDS)
    return outcome["problem"]


def _probe(outcome: dict[str, str | None]) -> None:
    try:
        probe = _connection_with_short_timeouts()
        try:
            _write_and_roll_back(probe)
        finally:
            probe.close()
        outcome["problem"] = None
    except Exception as error:  # noqa: BLE001  (any fault at all is "unhealthy", not a 500)
        logger.warning("Health check: the database cannot be written: %s", error)
        outcome["problem"] = "the database cannot be written"
    finally:
        _one_probe_at_a_time.release()


def _connection_with_short_timeouts():
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    options = settings_dict.setdefault("OPTIONS", {})
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        options["timeout"] = SQLITE_BUSY_SECONDS
    else:
        options.update(POSTGRESQL_OPTIONS)
        options["options"] = f"{options.get('options', '')} {POSTGRESQL_LIMITS}".strip()
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)


def _write_and_roll_back(probe) -> None:
    # A write that changes nothing, in a transaction rolled back: it still needs the write lock
    # (SQLite) or a writable primary with a table we own (PostgreSQL), as a real save would.
    table = probe.ops.quote_name(ContentStamp._meta.db_table)
    probe.set_autocommit(False)
    try:
        with probe.cursor() as cursor:
            # The table name is our model's own, quoted by the backend: nothing user-supplied.
            sql = f"UPDATE {table} SET changed_at = changed_at WHERE 1 = 0"  # noqa: S608 # nosec B608 # names only our own model's table
            cursor.execute(sql)
    finally:
        probe.rollback()
        probe.set_autocommit(True)
