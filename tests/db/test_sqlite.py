"""SqliteAccounts on real files: same results as fixtures, read-only, never creates a file."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from prodcheck.config import DatabaseConfig
from prodcheck.errors import SourceError
from prodcheck.sources.database import open_accounts_source, probe
from prodcheck.sources.fixtures import FixtureAccounts
from prodcheck.sources.sqlite import (
    SqliteAccounts,
    describe_tables,
    quote,
    read_only_connection,
    sqlite_path,
)

from .data import BILLING_USERS, PRISMA_USER, RESERVED_USER, TABLES, URL_ENV, Table, insert_sql

# SQLite has no schemas (billing.users lives in the main database), and its names
# ignore case (the reserved-word table is "order" there, as "user" is "User").
SQLITE_NAMES = {BILLING_USERS.name: "main.users", RESERVED_USER.name: "order"}


def config_for(table: Table, **overrides: Any) -> DatabaseConfig:
    return table.config(table=SQLITE_NAMES.get(table.name, table.name), **overrides)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        for table in TABLES:
            conn.execute(table.sqlite_ddl)
            insert = insert_sql(table, SQLITE_NAMES.get(table.name)).replace("%s", "?")
            conn.executemany(insert, [tuple(r.values()) for r in table.rows])
    conn.close()
    return path


def env(path: Path) -> dict[str, str]:
    return {URL_ENV: f"sqlite:///{path}"}


def count_rows(path: Path, table: str = "users") -> int:
    with sqlite3.connect(path) as conn:
        count = int(conn.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0])
    conn.close()
    return count


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_rows_read_exactly_like_the_same_rows_as_fixtures(
    db_file: Path, table: Table, tmp_path: Path
) -> None:
    config = config_for(table)
    live, info = SqliteAccounts(config, env=env(db_file)).load()
    folder = table.write_fixture(tmp_path / "fixtures", config)
    fixture, _ = FixtureAccounts(folder, config).load()
    assert sorted(live.accounts, key=lambda a: a.id) == sorted(fixture.accounts, key=lambda a: a.id)
    assert live.mapped_columns == fixture.mapped_columns
    assert (info.kind, info.location, info.counts) == (
        "sqlite",
        str(db_file),
        {"accounts": len(table.rows)},
    )


def test_where_filters_rows(db_file: Path) -> None:
    config = config_for(RESERVED_USER, where='"user" AND "from" IS NULL')
    state, _ = SqliteAccounts(config, env=env(db_file)).load()
    expected = [str(r["id"]) for r in RESERVED_USER.rows if r["user"] and r["from"] is None]
    assert [account.id for account in state.accounts] == expected


def test_relative_and_absolute_urls(db_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sqlite_path(f"sqlite:///{db_file}") == db_file  # four slashes: absolute
    monkeypatch.chdir(db_file.parent)
    assert sqlite_path("sqlite:///app.db") == Path("app.db")
    state, _ = SqliteAccounts(PRISMA_USER.config(), env={URL_ENV: "sqlite:///app.db"}).load()
    assert len(state.accounts) == len(PRISMA_USER.rows)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO users (id, has_access) VALUES (999, 1)",
        "UPDATE users SET has_access = NOT has_access",
        "DELETE FROM users",
        "CREATE TABLE sneaky (id INTEGER)",
    ],
)
def test_the_adapters_connection_refuses_writes(db_file: Path, statement: str) -> None:
    before = count_rows(db_file)
    with (
        read_only_connection(BILLING_USERS.config(table="users"), env(db_file)) as conn,
        pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database"),
    ):
        conn.execute(statement)
    assert count_rows(db_file) == before


@pytest.mark.parametrize("where", ["1=1; DELETE FROM users", "1=1); DELETE FROM users; --"])
def test_a_where_cannot_smuggle_in_a_write(db_file: Path, where: str) -> None:
    before = count_rows(db_file)
    source = SqliteAccounts(BILLING_USERS.config(table="users", where=where), env=env(db_file))
    with pytest.raises(SourceError, match=r"database\.where"):
        source.load()
    assert count_rows(db_file) == before > 0


def test_missing_file_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(SourceError, match=f"{missing} not found"):
        SqliteAccounts(PRISMA_USER.config(), env=env(missing)).load()
    assert not missing.exists()
    assert [c.ok for c in probe(PRISMA_USER.config(), env(missing))] == [True, False]
    assert not missing.exists()


def test_missing_table_and_column_name_close_matches(db_file: Path) -> None:
    with pytest.raises(SourceError, match="Close matches: users"):
        SqliteAccounts(BILLING_USERS.config(table="user_s"), env=env(db_file)).load()
    with pytest.raises(SourceError, match="no schema 'billing'"):
        SqliteAccounts(BILLING_USERS.config(), env=env(db_file)).load()
    columns = PRISMA_USER.columns.replace(customer_id="stripe_customer_id")
    with pytest.raises(SourceError, match="close matches: stripeCustomerId"):
        SqliteAccounts(PRISMA_USER.config(columns=columns), env=env(db_file)).load()


def test_dispatcher_picks_sqlite_and_probe_checks_everything(db_file: Path) -> None:
    config = BILLING_USERS.config(table="main.users")
    state, _ = open_accounts_source(config, env(db_file)).load()
    assert len(state.accounts) == len(BILLING_USERS.rows)
    checks = probe(config, env(db_file))
    assert [c for c in checks if not c.ok] == []
    assert f"{len(BILLING_USERS.rows)} to check" in checks[-1].message


def test_probe_flags_unsuitable_types(db_file: Path) -> None:
    columns = BILLING_USERS.columns.replace(has_access="email", deleted_at="comped")
    checks = {
        c.name: c for c in probe(BILLING_USERS.config(table="users", columns=columns), env(db_file))
    }
    assert not checks["column has_access -> email"].ok
    assert "timestamp" in checks["column deleted_at -> comped"].message
    assert not checks["column deleted_at -> comped"].ok


def test_describe_tables(db_file: Path) -> None:
    tables = describe_tables(f"sqlite:///{db_file}")
    assert sorted(tables) == sorted(["users", "User", "order"])
    assert ("hasPaidAccess", "BOOLEAN") in tables["User"]
    assert ("order", "TEXT") in tables["order"]


def test_quote_doubles_embedded_quotes() -> None:
    assert quote('we"ird', "t") == '"we""ird"."t"'


def test_statement_timeout_interrupts_a_slow_query(db_file: Path) -> None:
    slow = (
        "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
        "SELECT count(*) FROM c) > 0"
    )
    config = PRISMA_USER.config(where=slow, statement_timeout_seconds=0.2)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"longer than database\.statement_timeout_seconds"):
        SqliteAccounts(config, env=env(db_file)).load()
    assert time.monotonic() - started < 3
