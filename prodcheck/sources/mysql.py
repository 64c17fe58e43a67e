"""The accounts table in MySQL or MariaDB, read in one consistent, read-only snapshot.

URL: `mysql://user:password@host:3306/dbname` (or `mariadb://`, or a SQLAlchemy
style `mysql+pymysql://`); `?unix_socket=/path` connects through a socket.
Why prodcheck cannot write through this module:
- every session is one `START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT`
  at REPEATABLE READ, rolled back at the end: the server refuses any write in it;
- one statement per query (PyMySQL sends no multi-statements flag), so
  `database.where` can only narrow the rows read: `1=1; DELETE FROM users` is a
  syntax error, and so is `COMMIT`;
- identifiers from the config are quoted with backticks.
Reads stop at `database.statement_timeout_seconds` (MariaDB's max_statement_time,
MySQL's max_execution_time); rows stream through an unbuffered cursor; the session
time zone is UTC, so TIMESTAMP columns read as UTC; `tinyint(1)` is a boolean.
PyMySQL is imported inside the functions so that fixture runs never load it.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from prodcheck.config import DatabaseConfig
from prodcheck.errors import ConfigError, SourceError
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

SYSTEM_SCHEMAS = ("mysql", "information_schema", "performance_schema", "sys")
_TEXT = frozenset({"char", "varchar", "text", "tinytext", "mediumtext", "longtext"})
_INTEGERS = frozenset({"tinyint", "smallint", "mediumint", "int", "integer", "bigint"})
_NUMERIC = frozenset({"decimal", "float", "double", "real", "numeric"})
_TIMES = frozenset({"datetime", "timestamp", "date"})
# Server error codes: a statement stopped by the time limit (MariaDB, MySQL), and
# the ones that mean "not allowed" rather than "wrong query".
_TIMED_OUT = frozenset({1969, 3024})
_DENIED = frozenset({1142, 1143, 1044, 1045})


def quote(*names: str) -> str:
    """MySQL identifiers: each part in backticks, embedded backticks doubled."""
    return ".".join("`" + name.replace("`", "``") + "`" for name in names)


def kind(data_type: str, column_type: str) -> str:
    """A column's kind for doctor's type checks; `tinyint(1)` (BOOLEAN) is a boolean."""
    data_type, column_type = data_type.lower(), column_type.lower()
    if column_type.startswith("tinyint(1)") or data_type in ("bool", "boolean"):
        return "boolean"
    if data_type in _INTEGERS:
        return "integer"
    if data_type in _NUMERIC:
        return "numeric"
    if data_type in _TEXT:
        return "text"
    if data_type in _TIMES:
        return "timestamp"
    return {"enum": "enum", "uuid": "uuid"}.get(data_type, "other")


def _parameters(url: str) -> dict[str, Any]:
    """PyMySQL's connect() arguments from the URL (a password stays out of messages)."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        port = parts.port or 3306
    except ValueError:
        raise ConfigError(
            f"the database URL {redact_url(url)} has a port that is not a number: "
            "use mysql://user:password@host:3306/dbname"
        ) from None
    params: dict[str, Any] = {
        "host": parts.hostname or "localhost",
        "port": port,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": unquote(parts.path.lstrip("/")) or None,
        "charset": query.get("charset", "utf8mb4"),
    }
    if "unix_socket" in query:
        params["unix_socket"] = query["unix_socket"]
    return params


def _code(exc: BaseException) -> int:
    args: tuple[Any, ...] = exc.args
    return args[0] if args and isinstance(args[0], int) else 0


def _reason(exc: BaseException) -> str:
    args: tuple[Any, ...] = exc.args
    text = args[1] if len(args) > 1 else str(exc)
    return " ".join(str(text).split()).rstrip(".")


@contextmanager
def _session(
    url: str, origin: str, *, connect_timeout: float = 10, statement_timeout: float = 60.0
) -> Iterator[Any]:
    try:
        import pymysql
    except ImportError:
        raise SourceError("MySQL needs PyMySQL: pip install 'prodcheck[mysql]'.") from None
    params = _parameters(url)
    try:
        conn = pymysql.connect(
            **params,
            connect_timeout=max(int(connect_timeout), 1),
            autocommit=False,
            program_name="prodcheck",
        )
    except pymysql.Error as exc:
        raise SourceError(_connect_failure(exc, url, origin)) from None
    try:
        try:
            version = server_version(conn)
            with conn.cursor() as cursor:
                limit = (
                    f"SET SESSION max_statement_time = {max(statement_timeout, 0.001):.3f}"
                    if "mariadb" in version.lower()
                    else f"SET SESSION max_execution_time = {max(int(statement_timeout * 1000), 1)}"
                )
                cursor.execute(limit)
                cursor.execute("SET SESSION time_zone = '+00:00'")
                cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT")
        except pymysql.Error as exc:
            raise SourceError(_connect_failure(exc, url, origin)) from None
        yield conn
    finally:
        with suppress(pymysql.Error):
            conn.rollback()
        with suppress(pymysql.Error):
            conn.close()


def server_version(conn: Any) -> str:
    """`10.11.19-MariaDB-0+deb12u1`, `8.4.3`: MariaDB's replication prefix dropped."""
    return str(conn.get_server_info()).removeprefix("5.5.5-")


def _connect_failure(exc: BaseException, url: str, origin: str) -> str:
    code = _code(exc)
    if code in (1045, 1698):
        what = "fix the user and password in it"
    elif code == 1049:
        what = "fix the database name in it"
    elif code == 1044:
        what = "grant the user access to that database, or fix its name"
    else:
        what = "make sure the server runs and its host and port are reachable from here"
    return scrub(
        f"cannot connect to MySQL at {redact_url(url)} (from {origin}): "
        f"{_reason(exc)}. Check {origin}: {what}.",
        url,
    )


@contextmanager
def read_only_connection(config: DatabaseConfig, env: Mapping[str, str]) -> Iterator[Any]:
    """A connection inside the read-only snapshot transaction that `fetch` reads through."""
    _, url = split_scheme(database_url(config, env))
    with _session(
        url,
        f"${config.url_env}",
        connect_timeout=config.connect_timeout_seconds,
        statement_timeout=config.statement_timeout_seconds,
    ) as conn:
        yield conn


def _query(conn: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _describe(conn: Any) -> dict[str, list[tuple[str, str]]]:
    rows = _query(
        conn,
        "SELECT table_schema, table_name, column_name, column_type, "
        "table_schema = DATABASE() FROM information_schema.columns "
        f"WHERE table_schema NOT IN ({', '.join(['%s'] * len(SYSTEM_SCHEMAS))}) "
        # The URL's database is the app's; the server's other databases are other apps'.
        "AND (DATABASE() IS NULL OR table_schema = DATABASE()) "
        "ORDER BY table_schema, table_name, ordinal_position",
        SYSTEM_SCHEMAS,
    )
    tables: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, column_type, current in rows:
        name = table if current else f"{schema}.{table}"
        tables.setdefault(name, []).append((column, column_type))
    return tables


def lookup_table(conn: Any, table: str) -> tuple[tuple[str, str], dict[str, tuple[str, str]]]:
    """((schema, table), column -> (kind, type as the server shows it))."""
    *schema, name = split_table(table)
    rows = _query(
        conn,
        "SELECT table_schema, column_name, data_type, column_type "
        "FROM information_schema.columns WHERE table_schema = COALESCE(%s, DATABASE()) "
        "AND table_name = %s ORDER BY ordinal_position",
        (schema[0] if schema else None, name),
    )
    if not rows:
        current = _query(conn, "SELECT DATABASE()")[0][0]
        where = f"database {current}" if current else "the server (the URL names no database)"
        raise SourceError(missing_table_message(table, where, list(_describe(conn))))
    columns = {column: (kind(data_type, shown), shown) for _, column, data_type, shown in rows}
    return (rows[0][0], name), columns


def select(parts: tuple[str, str], config: TableConfig, what: str) -> str:
    query = f"SELECT {what} FROM {quote(*parts)}"
    return f"{query} WHERE ({config.where})" if config.where else query


def read_table(
    conn: Any, config: TableConfig, timeout: float, location: str, url: str
) -> Iterator[dict[str, Any]]:
    """The rows of any declared table, keyed by the real column names, streamed through
    an unbuffered cursor in the read-only transaction `conn` is in."""
    import pymysql

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
        query += f" ORDER BY {quote(order_column(config))}"
        with conn.cursor(pymysql.cursors.SSCursor) as cursor:
            cursor.execute(query)
            for row in cursor:
                yield dict(zip(columns, row, strict=True))
    except pymysql.Error as exc:
        what = read_failure(exc, conn, config, timeout)
        raise SourceError(scrub(f"MySQL at {location}: {what}.", url)) from None


def read_failure(exc: BaseException, conn: Any, config: TableConfig, timeout: float) -> str:
    code = _code(exc)
    if code in _DENIED:
        return (
            f"user {conn.user.decode() if isinstance(conn.user, bytes) else conn.user} may "
            f"not read {config.table}: {_reason(exc)}. GRANT SELECT ON the table to it"
        )
    if code == 1792:  # a write inside the read-only transaction (a where cannot do it)
        return f"reading {config.table} was refused: {_reason(exc)}"
    return query_failure(config, timeout, _reason(exc), timed_out=code in _TIMED_OUT)


class MysqlAccounts(CopiedTables):
    kind = "mysql"

    def __init__(self, config: DatabaseConfig, *, env: Mapping[str, str] = os.environ) -> None:
        self.config = config
        self.env = env
        self.table = config.tables["accounts"]

    @property
    def location(self) -> str:
        return redact_url(split_scheme(database_url(self.config, self.env))[1])

    def fetch(self, notes: list[str] | None = None) -> Generator[dict[str, Any], None, None]:
        """Rows keyed by the real column names, streamed; joined tables are read first,
        in the same read-only transaction."""
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
        return load_accounts(self.fetch(notes), self.config, "mysql", self.location, notes)

    def _connection(self) -> AbstractContextManager[Any]:
        return read_only_connection(self.config, self.env)

    def _copy(self, duck: Any, conn: Any, table: TableConfig, name: str) -> bool:
        from prodcheck.sources.mysql_copy import copy_table

        url = database_url(self.config, self.env)
        timeout = self.config.statement_timeout_seconds
        return copy_table(duck, conn, table, name, timeout, self.location, url)


def accounts(config: DatabaseConfig, env: Mapping[str, str]) -> MysqlAccounts:
    return MysqlAccounts(config, env=env)


def describe_tables(url: str) -> dict[str, list[tuple[str, str]]]:
    """Every table and view of the URL's database the user may read -> [(column, type)],
    by bare name (with no database in the URL: every database's, as schema.table)."""
    with _session(split_scheme(url)[1], "the database URL") as conn:
        return _describe(conn)


def sample_rows(url: str, tables: Sequence[str], limit: int) -> dict[str, list[dict[str, Any]]]:
    """`prodcheck init`: up to `limit` rows of each table, read-only; a table that
    cannot be read gives no rows."""
    import pymysql

    found: dict[str, list[dict[str, Any]]] = {}
    with _session(split_scheme(url)[1], "the database URL") as conn:
        for table in tables:
            try:
                with conn.cursor() as cursor:
                    cursor.execute(f"SELECT * FROM {quote(*split_table(table))} LIMIT %s", (limit,))
                    names = [column[0] for column in cursor.description or ()]
                    found[table] = [dict(zip(names, row, strict=True)) for row in cursor]
            except pymysql.Error:
                found[table] = []
    return found


def probe(config: DatabaseConfig, env: Mapping[str, str]) -> list[Check]:
    """`prodcheck doctor`'s checks (mysql_doctor.py), imported when doctor runs."""
    from prodcheck.sources.mysql_doctor import probe as doctor_probe

    return doctor_probe(config, env)
