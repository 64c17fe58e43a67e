"""Live accounts tables: pick the backend from the URL, plus what every backend shares.

The URL lives in the environment variable the config names (`database.url_env`),
never in the config. Backends are imported only when a URL asks for them, so
fixture runs never load a database driver.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from typing import Any, NamedTuple, Protocol, cast
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from prodcheck.config import DatabaseConfig
from prodcheck.errors import ConfigError, CredentialError, ProdcheckError
from prodcheck.extras import require
from prodcheck.mapping import ColumnMapping, TableConfig
from prodcheck.model import AccountState, SourceInfo
from prodcheck.redaction import register_url, url_passwords
from prodcheck.sources.base import AccountSource
from prodcheck.sources.joins import joined_rows
from prodcheck.sources.rows import accounts_from_rows

# URL scheme -> backend module (STYLE.md #3: a plain dict, imported lazily).
BACKENDS = {
    "postgres": "prodcheck.sources.postgres",
    "postgresql": "prodcheck.sources.postgres",
    "sqlite": "prodcheck.sources.sqlite",
    "mysql": "prodcheck.sources.mysql",
    "mariadb": "prodcheck.sources.mysql",
}
# The Python package each backend's driver is (an extra; SQLite's is built in).
DRIVERS = {"prodcheck.sources.postgres": "psycopg", "prodcheck.sources.mysql": "pymysql"}


class Check(NamedTuple):
    """One line of `prodcheck doctor`: what was checked, whether it passed, what to do.
    A warning (not ok, but `warning`) is shown and does not stop a live check."""

    name: str
    ok: bool
    message: str
    warning: bool = False


LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


def development_host(host: str | None) -> bool:
    """A database on this machine (loopback or a Unix socket): a development database,
    where a role that could write is a warning rather than a failure."""
    name = (host or "").strip("[]").lower()
    return name in LOCAL_HOSTS or name.startswith(("/", "127.")) or name.endswith(".localhost")


def rows_check(count: int, where: str | None) -> Check:
    """`doctor`'s row count; none is a warning: a check would compare nothing."""
    narrowed = f" (where {where})" if where else ""
    if count:
        return Check("rows", True, f"{count:,} to check{narrowed}")
    return Check(
        "rows",
        False,
        f"0 to check{narrowed}: a check would compare nothing with billing, and ends in "
        "error while billing holds subscriptions. If the table has rows, a where, the "
        "wrong database or row-level security hides them.",
        warning=True,
    )


def tables_read(config: DatabaseConfig) -> list[TableConfig]:
    """The tables a check reads besides the accounts table: its joins, then the others."""
    accounts = config.tables["accounts"]
    return [t for _, t in accounts.joined()] + [
        t for name, t in config.tables.items() if name != "accounts"
    ]


class Backend(Protocol):
    """What a backend module provides (postgres.py, mysql.py, sqlite.py)."""

    def accounts(self, config: DatabaseConfig, env: Mapping[str, str]) -> AccountSource: ...

    def probe(self, config: DatabaseConfig, env: Mapping[str, str]) -> list[Check]: ...

    def describe_tables(self, url: str) -> dict[str, list[tuple[str, str]]]: ...

    def sample_rows(
        self, url: str, tables: Sequence[str], limit: int
    ) -> dict[str, list[dict[str, Any]]]: ...


def split_scheme(url: str) -> tuple[str, str]:
    """(backend scheme, URL without a SQLAlchemy-style driver suffix).

    `postgresql+psycopg://u@h/db` -> ("postgresql", "postgresql://u@h/db"), so a
    URL copied from an app's settings works as it is.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(
            # Not echoed: a keyword DSN ("host=... password=...") would show its password.
            "the database URL has no scheme:// (key=value connection strings are not "
            "accepted): use postgresql://user:password@host:5432/dbname or sqlite:///path/app.db"
        )
    base = scheme.split("+", 1)[0].lower()
    return base, f"{base}://{rest}"


def _backend(url: str) -> tuple[Backend, str]:
    scheme, clean = split_scheme(url)
    if scheme not in BACKENDS:
        raise ConfigError(
            f"unknown database URL scheme '{scheme}://': use postgresql://, mysql:// "
            "(MySQL or MariaDB) or sqlite:///."
        )
    module = BACKENDS[scheme]
    if module in DRIVERS:
        require(DRIVERS[module])
    return cast(Backend, importlib.import_module(module)), clean


def database_url(config: DatabaseConfig, env: Mapping[str, str]) -> str:
    """The URL from the environment variable the config names, or an error saying what to set."""
    if not config.url_env:
        raise ConfigError(
            "database.url_env is not set: name the environment variable that holds the "
            "database URL (e.g. url_env: DATABASE_URL), or use database.fixtures."
        )
    url = env.get(config.url_env, "").strip()
    register_url(url)
    if not url:
        raise CredentialError(
            f"environment variable {config.url_env} is not set or empty: export it with the "
            "database URL (ideally of a read-only role), e.g. "
            f"{config.url_env}=postgresql://prodcheck_ro@host:5432/app"
        )
    return url


def open_accounts_source(config: DatabaseConfig, env: Mapping[str, str]) -> AccountSource:
    backend, _ = _backend(database_url(config, env))
    return backend.accounts(config, env)


def probe(config: DatabaseConfig, env: Mapping[str, str]) -> list[Check]:
    """`prodcheck doctor`'s database checks, in order; a failed check that the later
    ones depend on (no URL, no connection, no table) ends the list."""
    try:
        backend, _ = _backend(database_url(config, env))
    except ProdcheckError as exc:
        return [Check(f"env {config.url_env or 'database.url_env'}", False, exc.message)]
    return backend.probe(config, env)


def describe_tables(url: str) -> dict[str, list[tuple[str, str]]]:
    """`prodcheck init`: every readable table -> [(column, type)], read-only."""
    backend, clean = _backend(url)
    return backend.describe_tables(clean)


def sample_rows(url: str, tables: Sequence[str], limit: int) -> dict[str, list[dict[str, Any]]]:
    """`prodcheck init`: a few rows of each table, read-only, to recognise values."""
    backend, clean = _backend(url)
    return backend.sample_rows(clean, tables, limit)


def redact_url(url: str) -> str:
    """The URL with its password (and any password-like query value) replaced by ***."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            userinfo, _, hostport = netloc.rpartition("@")
            netloc = f"{userinfo.split(':', 1)[0]}:***@{hostport}"
        query = urlencode(
            [
                (key, "***" if "password" in key.lower() else value)
                for key, value in parse_qsl(parts.query, keep_blank_values=True)
            ],
            safe="*",
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        # Not parseable as a URL: show nothing rather than risk a secret.
        return "<database URL>"


def scrub(message: str, url: str) -> str:
    """A driver message with every copy of the URL's password removed: libpq quotes a
    URL it cannot parse, password included, in its error text."""
    for secret in url_passwords(url):
        for form in {secret, unquote(secret)}:
            if form:
                message = message.replace(form, "***")
    return message


def split_table(table: str) -> tuple[str, ...]:
    """`billing.users` -> ("billing", "users"); `User` -> ("User",). Case is kept."""
    parts = tuple(table.split("."))
    if len(parts) > 2 or not all(parts):
        raise ConfigError(
            f"database.table '{table}' is not a table name: use `table` or `schema.table`."
        )
    return parts


def selected_columns(mapping: ColumnMapping) -> list[str]:
    """The real column names to read, each once (two fields may share a column)."""
    return list(dict.fromkeys(column for _, column in mapping.items()))


def close_matches(name: str, candidates: list[str]) -> list[str]:
    """Candidates equal but for case or schema first (Prisma's `User` typed `user`,
    `billing.users` typed `users`), then the ones difflib finds similar."""

    def bare(candidate: str) -> str:
        return candidate.rsplit(".", 1)[-1].lower()

    by_bare: dict[str, list[str]] = {}
    for candidate in candidates:
        by_bare.setdefault(bare(candidate), []).append(candidate)
    same = by_bare.get(bare(name), [])
    similar = [
        c for m in difflib.get_close_matches(bare(name), list(by_bare), n=3) for c in by_bare[m]
    ]
    return list(dict.fromkeys(c for c in same + similar if c != name))


def missing_table_message(table: str, where: str, tables: list[str]) -> str:
    matches = close_matches(table, tables)
    hint = f" Close matches: {', '.join(matches)}." if matches else ""
    return (
        f"table '{table}' not found in {where}.{hint} Fix database.table in the config "
        "(write schema.table when it is not in the default schema)."
    )


def missing_columns_message(
    table: str,
    mapping: ColumnMapping,
    missing: list[str],
    actual: list[str],
    key: str = "database",
) -> str:
    """`key`: where the mapping sits in the config (database.tables.app_subscriptions)."""
    fields = {column: name for name, column in mapping.items()}
    lines = []
    for column in missing:
        matches = close_matches(column, actual)
        hint = f" (close matches: {', '.join(matches)})" if matches else ""
        lines.append(f"{fields[column]} -> '{column}'{hint}")
    shown = ", ".join(actual[:40]) + (" ..." if len(actual) > 40 else "")
    return (
        f"table '{table}' has no column {'; '.join(lines)}. Its columns are: {shown}. "
        f"Fix {key}.columns in the config."
    )


def query_failure(table: TableConfig, timeout: float, reason: str, *, timed_out: bool) -> str:
    """What to do when the SELECT itself failed; with a where set, the where is the
    likely culprit since the table and columns were checked just before."""
    if timed_out:
        return (
            f"reading {table.table} took longer than database.statement_timeout_seconds "
            f"({timeout}s): raise it, or narrow {table.key}.where"
        )
    if table.where:
        return (
            f"{table.key}.where ({table.where!r}) failed: {reason}. It must be one SQL "
            "condition on the table's columns, e.g. deleted_at IS NULL"
        )
    return f"reading {table.table} failed: {reason}"


def order_column(table: TableConfig) -> str:
    """The column rows are read in order of (the table's first declared field, its id):
    a stable order makes reports and recorded snapshots diff cleanly."""
    return table.columns.items()[0][1]


def with_joins(
    table: TableConfig,
    read: Callable[[TableConfig], Iterable[dict[str, Any]]],
    notes: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """A live table's rows, with its joined columns when it has joins (read first);
    notes on keys that matched several joined rows go to `notes`."""
    if not table.joins:
        yield from read(table)
        return
    rows, found = joined_rows(read(table.plain()), table, lambda t: list(read(t)))
    if notes is not None:
        notes.extend(found)
    yield from rows


def load_accounts(
    rows: Generator[dict[str, Any], None, None],
    config: DatabaseConfig,
    kind: str,
    location: str,
    extra_notes: list[str] | None = None,
) -> tuple[AccountState, SourceInfo]:
    """A live backend's fetched rows through the same `accounts_from_rows` as fixtures.
    `extra_notes` is read once the rows are consumed (joins note what they found)."""
    with closing(rows):
        state = accounts_from_rows(
            rows,
            config.columns,
            config.table,
            first_row_number=1,
            row_label="{origin} row {number}",
        )
    return state, accounts_info(config, kind, location, len(state.accounts), extra_notes)


def accounts_info(
    config: DatabaseConfig,
    kind: str,
    location: str,
    count: int,
    extra_notes: list[str] | None = None,
) -> SourceInfo:
    """What a live backend read of the accounts table, for the report."""
    notes = [f"table {config.table}"] + ([f"where {config.where}"] if config.where else [])
    notes += [f"joined {join.table}" for join in config.joins] + list(extra_notes or ())
    return SourceInfo(
        side="database",
        kind=kind,
        location=location,
        counts={"accounts": count},
        notes=tuple(notes),
    )
