"""The accounts table in a SQLite file, opened read-only.

URL: `sqlite:///relative/path.db` (relative to the current directory) or
`sqlite:////absolute/path.db`. Why prodcheck cannot write through this module:
the file is opened through a `file:...?mode=ro` URI (SQLite refuses writes and
never creates a missing file) with `PRAGMA query_only`; sqlite3 runs one
statement per execute(), so `database.where` can only narrow the rows read.
All reads run in one transaction, so a concurrent writer cannot change the
snapshot halfway through.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from prodcheck.config import DatabaseConfig
from prodcheck.errors import ConfigError, ProdcheckError, SourceError
from prodcheck.mapping import TableConfig
from prodcheck.model import AccountState, SourceInfo
from prodcheck.sources.column_checks import column_checks, join_checks, other_table_checks
from prodcheck.sources.copied import CopiedTables
from prodcheck.sources.database import (
    Check,
    database_url,
    load_accounts,
    missing_columns_message,
    missing_table_message,
    order_column,
    query_failure,
    rows_check,
    selected_columns,
    split_scheme,
    split_table,
    with_joins,
)

# SQLite's own type-affinity rules (https://sqlite.org/datatype3.html), plus the
# names apps use for flags and timestamps, in the order SQLite applies them.
_KINDS = (
    ("BOOL", "boolean"),
    ("DATE", "timestamp"),
    ("TIME", "timestamp"),
    ("INT", "integer"),
    ("CHAR", "text"),
    ("CLOB", "text"),
    ("TEXT", "text"),
    ("UUID", "uuid"),
)


def quote(*names: str) -> str:
    """SQLite identifiers: each part in double quotes, embedded quotes doubled."""
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


def sqlite_path(url: str) -> Path:
    """`sqlite:///app.db` -> app.db; `sqlite:////srv/app.db` -> /srv/app.db."""
    _, clean = split_scheme(url)
    rest = clean.removeprefix("sqlite://").split("?", 1)[0]
    if not rest.startswith("/") or rest in ("/", "/:memory:"):
        raise ConfigError(
            "a SQLite URL names a file: sqlite:///relative/path.db or sqlite:////abs/path.db"
        )
    return Path(unquote(rest[1:]))


def _kind(declared: str) -> str:
    upper = declared.upper()
    if not upper:
        return "untyped"
    return next((kind for marker, kind in _KINDS if marker in upper), "numeric")


@contextmanager
def _session(
    path: Path, origin: str, *, busy_timeout: float = 10.0, timeout: float = 60.0
) -> Iterator[sqlite3.Connection]:
    if not path.is_file():
        raise SourceError(
            f"SQLite database {path} not found (from {origin}): fix the path in {origin}. "
            "prodcheck opens it read-only and never creates it."
        )
    try:
        conn = sqlite3.connect(
            path.resolve().as_uri() + "?mode=ro",
            uri=True,
            timeout=busy_timeout,
            isolation_level=None,
        )
    except sqlite3.Error as exc:
        raise SourceError(f"cannot open SQLite database {path} (from {origin}): {exc}.") from None
    try:
        conn.execute("PRAGMA query_only = ON")
        # SQLite has no statement_timeout: abort from the progress handler instead.
        deadline = time.monotonic() + timeout
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        conn.execute("BEGIN")
        yield conn
    finally:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        conn.close()


@contextmanager
def read_only_connection(
    config: DatabaseConfig, env: Mapping[str, str]
) -> Iterator[sqlite3.Connection]:
    """A read-only connection inside the one transaction that `fetch` reads through."""
    with _session(
        sqlite_path(database_url(config, env)),
        f"${config.url_env}",
        busy_timeout=config.connect_timeout_seconds,
        timeout=config.statement_timeout_seconds,
    ) as conn:
        yield conn


def _describe(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ).fetchall()
    return {
        name: [
            (c, t) for c, t in conn.execute("SELECT name, type FROM pragma_table_info(?)", (name,))
        ]
        for (name,) in names
    }


def lookup_table(conn: sqlite3.Connection, table: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """(quoted-ready name parts, column -> declared type); SQLite names ignore case."""
    *schema, name = split_table(table)
    if schema:
        attached = [row[1] for row in conn.execute("PRAGMA database_list")]
        if schema[0] not in attached:
            raise SourceError(
                f"table '{table}': this SQLite database has no schema '{schema[0]}' "
                f"(it has {', '.join(attached)}): write database.table as '{name}'."
            )
    columns = conn.execute(
        "SELECT name, type FROM pragma_table_info(?, ?)", (name, schema[0] if schema else "main")
    ).fetchall()
    if not columns:
        raise SourceError(
            missing_table_message(table, "the SQLite database", list(_describe(conn)))
        )
    return (*schema, name), dict(columns)


def select(parts: tuple[str, ...], config: TableConfig, what: str) -> str:
    query = f"SELECT {what} FROM {quote(*parts)}"
    return f"{query} WHERE ({config.where})" if config.where else query


def read_table(
    conn: sqlite3.Connection, config: TableConfig, timeout: float, location: str
) -> Iterator[dict[str, Any]]:
    """The rows of any declared table, keyed by the real column names, one at a time."""
    columns = selected_columns(config.columns)
    try:
        parts, actual = lookup_table(conn, config.table)
        present = {c.lower() for c in actual}
        missing = [c for c in columns if c.lower() not in present]
        if missing:
            raise SourceError(
                missing_columns_message(config.table, config.columns, missing, [*actual])
            )
        query = select(parts, config, ", ".join(quote(c) for c in columns))
        for row in conn.execute(f"{query} ORDER BY {quote(order_column(config))}"):
            yield dict(zip(columns, row, strict=True))
    except sqlite3.Error as exc:
        raise SourceError(read_failure(exc, config, timeout, location)) from None


def read_failure(exc: sqlite3.Error, config: TableConfig, timeout: float, location: str) -> str:
    what = query_failure(config, timeout, str(exc), timed_out=str(exc) == "interrupted")
    return f"SQLite database {location}: {what}."


class SqliteAccounts(CopiedTables):
    kind = "sqlite"

    def __init__(self, config: DatabaseConfig, *, env: Mapping[str, str] = os.environ) -> None:
        self.config = config
        self.env = env
        self.table = config.tables["accounts"]

    @property
    def location(self) -> str:
        return str(sqlite_path(database_url(self.config, self.env)))

    def fetch(self, notes: list[str] | None = None) -> Generator[dict[str, Any], None, None]:
        """Rows keyed by the real column names, read one at a time; joined tables are
        read first, on the same read-only connection."""
        timeout = self.config.statement_timeout_seconds
        with read_only_connection(self.config, self.env) as conn:

            def read(table: TableConfig) -> Iterator[dict[str, Any]]:
                return read_table(conn, table, timeout, self.location)

            yield from with_joins(self.table, read, notes)

    def read_table(self, name: str) -> list[dict[str, Any]]:
        timeout = self.config.statement_timeout_seconds
        with read_only_connection(self.config, self.env) as conn:
            return list(read_table(conn, self.config.tables[name], timeout, self.location))

    def load(self) -> tuple[AccountState, SourceInfo]:
        notes: list[str] = []
        return load_accounts(self.fetch(notes), self.config, "sqlite", self.location, notes)

    def _connection(self) -> AbstractContextManager[Any]:
        return read_only_connection(self.config, self.env)

    def _copy(self, duck: Any, conn: Any, table: TableConfig, name: str) -> bool:
        from prodcheck.sources.sqlite_copy import copy_table

        timeout = self.config.statement_timeout_seconds
        return copy_table(duck, conn, table, name, timeout, self.location)


def accounts(config: DatabaseConfig, env: Mapping[str, str]) -> SqliteAccounts:
    return SqliteAccounts(config, env=env)


def describe_tables(url: str) -> dict[str, list[tuple[str, str]]]:
    """Every table and view -> [(column, declared type)], read-only."""
    with _session(sqlite_path(url), "the database URL") as conn:
        return _describe(conn)


def sample_rows(url: str, tables: Sequence[str], limit: int) -> dict[str, list[dict[str, Any]]]:
    """`prodcheck init`: up to `limit` rows of each table, read-only, to recognise what
    the columns hold; a table that cannot be read gives no rows."""
    found: dict[str, list[dict[str, Any]]] = {}
    with _session(sqlite_path(url), "the database URL") as conn:
        for table in tables:
            try:
                cursor = conn.execute(
                    f"SELECT * FROM {quote(*split_table(table))} LIMIT ?", (limit,)
                )
                names = [column[0] for column in cursor.description or ()]
                found[table] = [dict(zip(names, row, strict=True)) for row in cursor]
            except sqlite3.Error:
                found[table] = []
    return found


def probe(config: DatabaseConfig, env: Mapping[str, str]) -> list[Check]:
    """`prodcheck doctor`: URL, file, table, column types, read-only open, where."""
    try:
        path = sqlite_path(database_url(config, env))
    except ProdcheckError as exc:
        return [Check(f"env {config.url_env}", False, exc.message)]
    checks = [Check(f"env {config.url_env}", True, f"set: sqlite file {path}")]
    source = SqliteAccounts(config, env=env)
    with ExitStack() as stack:
        try:
            conn = stack.enter_context(read_only_connection(config, env))
            # Opening is lazy: a file that is not a database fails at the first read.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except SourceError as exc:
            return [*checks, Check("open", False, exc.message)]
        except sqlite3.Error as exc:
            return [*checks, Check("open", False, f"{path}: {exc}: is it a SQLite database?")]
        checks.append(Check("open", True, f"{path}, read-only (mode=ro): writes are refused"))
        try:
            parts, actual = lookup_table(conn, config.table)
        except SourceError as exc:
            return [*checks, Check(f"table {config.table}", False, exc.message)]
        checks.append(Check(f"table {config.table}", True, f"found: {'.'.join(parts)}"))
        kinds = {column: (_kind(declared), declared) for column, declared in actual.items()}
        checks += column_checks(config, kinds, ignore_case=True)

        def describe(name: str) -> dict[str, tuple[str, str]]:
            columns = lookup_table(conn, name)[1]
            return {column: (_kind(declared), declared) for column, declared in columns.items()}

        checks += join_checks(config, describe, ignore_case=True)
        checks += other_table_checks(config, describe, ignore_case=True)
        try:
            count = conn.execute(select(parts, source.table, "count(*)")).fetchone()[0]
        except sqlite3.Error as exc:
            timeout = config.statement_timeout_seconds
            message = read_failure(exc, source.table, timeout, source.location)
            return [*checks, Check("rows", False, message)]
        checks.append(rows_check(count, config.where))
    return checks
