"""The accounts table in PostgreSQL, read in one consistent, read-only snapshot.

Why prodcheck cannot write through this module:
- every session is one `REPEATABLE READ READ ONLY` transaction, rolled back at
  the end, with a transaction-local statement_timeout and a connect_timeout;
- every query goes through the extended protocol (bound parameters or a
  server-side cursor), which refuses a second statement, so `database.where`
  (a parameterless condition from the config) can only narrow the rows read:
  `1=1; DELETE FROM users` is an error, and so is `COMMIT`;
- identifiers from the config are quoted with `psycopg.sql.Identifier`.
A role that can only SELECT is still recommended; `probe` says how to make one.
psycopg is imported inside the functions so that fixture runs never load it.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodcheck.config import DatabaseConfig
from prodcheck.errors import SourceError
from prodcheck.mapping import TableConfig
from prodcheck.model import AccountState, SourceInfo
from prodcheck.sources.copied import CopiedTables
from prodcheck.sources.database import (
    Check,
    database_url,
    load_accounts,
    missing_columns_message,
    missing_table_message,
    order_column,
    query_failure,
    redact_url,
    scrub,
    selected_columns,
    split_scheme,
    split_table,
    with_joins,
)

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import TupleRow
    from psycopg.sql import Composable, Composed

    Connection = psycopg.Connection[TupleRow]

# Rows per round trip of the server-side cursor: large enough that latency does
# not dominate, small enough that memory stays flat on a million rows.
FETCH_BATCH = 5_000
_KINDS = {"B": "boolean", "S": "text", "E": "enum"}
_INTEGERS = frozenset({"int2", "int4", "int8"})
_TIMESTAMPS = frozenset({"timestamp", "timestamptz", "date"})
_DESCRIBE = """
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       n.nspname = current_schema()
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_%%'
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname, a.attnum
"""


@dataclass(frozen=True, slots=True)
class _Table:
    oid: int
    schema: str
    name: str
    columns: dict[str, tuple[str, str]]  # real column name -> (kind, type as Postgres shows it)


def _reason(exc: Exception) -> str:
    """The server's one-line message when there is one, else the driver's, on one line."""
    primary = getattr(getattr(exc, "diag", None), "message_primary", None)
    return " ".join(str(primary or exc).split()).rstrip(".")


@contextmanager
def _session(
    url: str, origin: str, *, connect_timeout: int = 10, statement_timeout: float = 60.0
) -> Iterator[Connection]:
    try:
        import psycopg
    except ImportError:
        raise SourceError("PostgreSQL needs psycopg: pip install 'prodcheck[postgres]'.") from None
    try:
        conn = psycopg.connect(url, connect_timeout=connect_timeout, application_name="prodcheck")
    except psycopg.Error as exc:
        raise SourceError(_connect_failure(exc, url, origin)) from None
    try:
        try:
            # Applied by the BEGIN psycopg sends before the first query.
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            # Transaction-local set_config rather than a startup option, which poolers
            # such as PgBouncer reject.
            timeout = f"{max(int(statement_timeout * 1000), 1)}ms"
            conn.execute("SELECT set_config('statement_timeout', %s, true)", (timeout,))
            # Times read in UTC, as the model keeps them, whatever the server's zone.
            conn.execute("SELECT set_config('TimeZone', 'UTC', true)")
        except psycopg.Error as exc:
            raise SourceError(_connect_failure(exc, url, origin)) from None
        yield conn
    finally:
        with suppress(psycopg.Error):
            conn.rollback()
        conn.close()


def _connect_failure(exc: Exception, url: str, origin: str) -> str:
    lowered = str(exc).lower()
    if "password" in lowered or "authentication" in lowered or "role" in lowered:
        what = "fix the user and password in it (or the server's pg_hba.conf)"
    elif "does not exist" in lowered:
        what = "fix the database name in it"
    else:
        what = "make sure the server runs and its host and port are reachable from here"
    return scrub(
        f"cannot connect to PostgreSQL at {redact_url(url)} (from {origin}): "
        f"{_reason(exc)}. Check {origin}: {what}.",
        url,
    )


@contextmanager
def read_only_connection(config: DatabaseConfig, env: Mapping[str, str]) -> Iterator[Connection]:
    """A connection inside the read-only snapshot transaction that `fetch` reads through."""
    _, url = split_scheme(database_url(config, env))
    with _session(
        url,
        f"${config.url_env}",
        connect_timeout=config.connect_timeout_seconds,
        statement_timeout=config.statement_timeout_seconds,
    ) as conn:
        yield conn


def _kind(category: str, type_name: str) -> str:
    if category == "N":
        return "integer" if type_name in _INTEGERS else "numeric"
    if category == "D":
        return "timestamp" if type_name in _TIMESTAMPS else "other"
    return "uuid" if type_name == "uuid" else _KINDS.get(category, "other")


def _describe(conn: Connection) -> dict[str, list[tuple[str, str]]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, type_name, in_current_schema in conn.execute(_DESCRIBE):
        name = table if in_current_schema else f"{schema}.{table}"
        tables.setdefault(name, []).append((column, type_name))
    return tables


def _lookup_table(conn: Connection, table: str) -> _Table:
    from psycopg import sql

    quoted = sql.Identifier(*split_table(table)).as_string(conn)
    found = conn.execute(
        "SELECT c.oid, n.nspname, c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(%s)",
        (quoted,),
    ).fetchone()
    if found is None:
        path = conn.execute("SELECT current_setting('search_path')").fetchone()
        where = f"database {conn.info.dbname} (search_path: {path[0] if path else '?'})"
        raise SourceError(missing_table_message(table, where, list(_describe(conn))))
    oid, schema, name = found
    columns = conn.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory, t.typname "
        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        (oid,),
    ).fetchall()
    return _Table(
        oid, schema, name, {c: (_kind(cat, typ), shown) for c, shown, cat, typ in columns}
    )


def select(table: _Table, config: TableConfig, what: Composable) -> Composed:
    from psycopg import sql

    query = sql.SQL("SELECT {} FROM {}").format(what, sql.Identifier(table.schema, table.name))
    if config.where:
        query += sql.SQL(" WHERE (") + sql.SQL(config.where) + sql.SQL(")")
    return query


def table_query(conn: Connection, config: TableConfig) -> tuple[_Table, list[str], Composed]:
    """The table, the columns to read, and the SELECT reading them in order (the
    mapped columns, the configured `where`); a missing column is an error naming
    the close matches."""
    from psycopg import sql

    columns = selected_columns(config.columns)
    table = _lookup_table(conn, config.table)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SourceError(
            missing_columns_message(config.table, config.columns, missing, [*table.columns])
        )
    query = select(table, config, sql.SQL(", ").join(map(sql.Identifier, columns)))
    query += sql.SQL(" ORDER BY {}").format(sql.Identifier(order_column(config)))
    return table, columns, query


def read_table(
    conn: Connection, config: TableConfig, timeout: float, location: str, url: str
) -> Iterator[dict[str, Any]]:
    """The rows of any declared table, keyed by the real column names, streamed through
    a server-side cursor in the read-only transaction `conn` is in. `location` and
    `url` name the database in messages (the URL's password scrubbed from them)."""
    import psycopg

    try:
        _, columns, query = table_query(conn, config)
        with conn.cursor(name=f"prodcheck_{config.spec.name}") as cursor:
            cursor.itersize = FETCH_BATCH
            cursor.execute(query)
            for row in cursor:
                yield dict(zip(columns, row, strict=True))
    except psycopg.Error as exc:
        what = read_failure(exc, conn, config, timeout)
        raise SourceError(scrub(f"PostgreSQL at {location}: {what}.", url)) from None


def read_failure(exc: Exception, conn: Connection, config: TableConfig, timeout: float) -> str:
    from psycopg import errors

    if isinstance(exc, errors.InsufficientPrivilege):
        return (
            f"role {conn.info.user} may not read {config.table}: {_reason(exc)}. "
            "GRANT USAGE ON SCHEMA and SELECT ON the table to it"
        )
    if isinstance(exc, errors.OperationalError) and not isinstance(exc, errors.QueryCanceled):
        # The connection or the server failed, not the query (QueryCanceled is a
        # subclass: that one is the statement timeout).
        if conn.closed or conn.broken:
            return (
                f"the connection was lost while reading {config.table} ({_reason(exc)}): the "
                "server restarted or failed over, or a session limit or an administrator "
                "ended it. Nothing was checked on the rows read so far; run again"
            )
        return f"reading {config.table} failed: {_reason(exc)}"
    timed_out = isinstance(exc, errors.QueryCanceled)
    return query_failure(config, timeout, _reason(exc), timed_out=timed_out)


class PostgresAccounts(CopiedTables):
    kind = "postgres"

    def __init__(self, config: DatabaseConfig, *, env: Mapping[str, str] = os.environ) -> None:
        self.config = config
        self.env = env
        self.table = config.tables["accounts"]

    @property
    def location(self) -> str:
        return redact_url(split_scheme(database_url(self.config, self.env))[1])

    def fetch(self, notes: list[str] | None = None) -> Generator[dict[str, Any], None, None]:
        """Rows keyed by the real column names, streamed through a server-side cursor;
        joined tables are read first, in the same read-only transaction."""
        url = database_url(self.config, self.env)
        timeout = self.config.statement_timeout_seconds
        with read_only_connection(self.config, self.env) as conn:

            def read(table: TableConfig) -> Iterator[dict[str, Any]]:
                return read_table(conn, table, timeout, self.location, url)

            yield from with_joins(self.table, read, notes)

    def read_table(self, name: str) -> list[dict[str, Any]]:
        url = database_url(self.config, self.env)
        timeout = self.config.statement_timeout_seconds
        with read_only_connection(self.config, self.env) as conn:
            return list(read_table(conn, self.config.tables[name], timeout, self.location, url))

    def load(self) -> tuple[AccountState, SourceInfo]:
        notes: list[str] = []
        return load_accounts(self.fetch(notes), self.config, "postgres", self.location, notes)

    def _connection(self) -> AbstractContextManager[Any]:
        return read_only_connection(self.config, self.env)

    def _copy(self, duck: Any, conn: Any, table: TableConfig, name: str) -> bool:
        from prodcheck.sources.postgres_copy import copy_table

        url = database_url(self.config, self.env)
        timeout = self.config.statement_timeout_seconds
        return copy_table(duck, conn, table, name, timeout, self.location, url)

    def _failure(self, exc: Exception, conn: Connection) -> str:
        what = read_failure(exc, conn, self.table, self.config.statement_timeout_seconds)
        url = database_url(self.config, self.env)
        return scrub(f"PostgreSQL at {self.location}: {what}.", url)


def accounts(config: DatabaseConfig, env: Mapping[str, str]) -> PostgresAccounts:
    return PostgresAccounts(config, env=env)


def describe_tables(url: str) -> dict[str, list[tuple[str, str]]]:
    """Every table and view the role may read -> [(column, type)]; tables of the
    default schema by bare name, others as schema.table (what database.table takes)."""
    with _session(split_scheme(url)[1], "the database URL") as conn:
        return _describe(conn)


def sample_rows(url: str, tables: Sequence[str], limit: int) -> dict[str, list[dict[str, Any]]]:
    """`prodcheck init`: up to `limit` rows of each table, in one read-only transaction,
    to recognise what the columns hold; a table that cannot be read gives no rows."""
    import psycopg
    from psycopg import sql

    found: dict[str, list[dict[str, Any]]] = {}
    with _session(split_scheme(url)[1], "the database URL") as conn:
        for table in tables:
            query = sql.SQL("SELECT * FROM {} LIMIT {}").format(
                sql.Identifier(*split_table(table)), sql.Literal(limit)
            )
            try:
                with conn.transaction():  # a savepoint: one unreadable table spoils nothing
                    cursor = conn.execute(query)
                    names = [column.name for column in cursor.description or ()]
                    found[table] = [dict(zip(names, row, strict=True)) for row in cursor]
            except psycopg.Error:
                found[table] = []
    return found


def probe(config: DatabaseConfig, env: Mapping[str, str]) -> list[Check]:
    """`prodcheck doctor`'s checks (postgres_doctor.py), imported when doctor runs."""
    from prodcheck.sources.postgres_doctor import probe as doctor_probe

    return doctor_probe(config, env)
