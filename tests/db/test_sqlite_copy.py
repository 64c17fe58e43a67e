"""A SQLite accounts table copied into DuckDB (sources/sqlite_copy.py) against
real files: the same Accounts as sqlite3's rows through rows.py, value by value
and storage class by storage class; what it does not read as sqlite3 does is left
to that path; joined tables joined as joins.py joins them; a read that runs out
of time is said so once."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from prodcheck.config import ColumnMapping
from prodcheck.engine.duck import connect as duck_connect
from prodcheck.errors import ProdcheckError, SourceError
from prodcheck.mapping import Join
from prodcheck.sources.sqlite import SqliteAccounts

from .data import BILLING_USERS, PRISMA_USER, TABLES, Table
from .test_sqlite import config_for, db_file, env  # noqa: F401  (db_file: a fixture)


def _both(source: SqliteAccounts) -> tuple[Any, Any]:
    """(what sqlite3 and rows.py read, or the error; what the copy read, or None)."""
    try:
        python: Any = source.load()
    except ProdcheckError as exc:
        python = exc
    return python, source.load_by_sql(duck_connect())


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_copied_rows_are_the_accounts_sqlite3_reads(db_file: Path, table: Table) -> None:  # noqa: F811
    python, copied = _both(SqliteAccounts(config_for(table), env=env(db_file)))
    if copied is None:
        # left to sqlite3: a time with an offset other than UTC, which rows.py keeps
        offsets = [
            v
            for r in table.rows
            for v in r.values()
            if isinstance(v, str) and re.search(r"[+-](0[1-9]|1[0-9]):[0-5][0-9]$", v)
        ]
        assert offsets, "a plain table left to sqlite3"
        return
    assert copied == python


def test_most_tables_are_copied(db_file: Path) -> None:  # noqa: F811
    copied = [
        t.name
        for t in TABLES
        if SqliteAccounts(config_for(t), env=env(db_file)).load_by_sql(duck_connect())
    ]
    assert len(copied) >= len(TABLES) - 1, copied


def _file(tmp_path: Path, *statements: str, params: list[Any] | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "values.db"
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
        for value in params or ():
            conn.execute("INSERT INTO t (id, paid, x) VALUES (?, 1, ?)", (len(str(value)), value))
    conn.close()
    return path


# Values of every storage class, as apps store them: some the copy reads, some
# it leaves to sqlite3; whichever path reads them, the result is the same.
VALUES: list[Any] = [
    None, 0, 1, -7, 42, 9223372036854775807, "", " cus_1 ", "cus_2", "true", "no", "0",
    "2026-01-01", "2026-01-01 10:20:30", "2026-01-01T10:20:30Z", "1767225600",
    "2026-01-01T10:20:30+05:30", "ünï", 'say "hi"', "two\nlines", 1.0, 1.5, b"\x00blob",
    1767225600, -86400,
]  # fmt: skip
FIELDS = ("customer_id", "comped", "deleted_at", "plan")


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("column", ["TEXT", "INTEGER", "", "BOOLEAN", "TIMESTAMP"])
def test_every_value_is_read_as_sqlite3_and_rows_py_read_it(
    tmp_path: Path, field: str, column: str
) -> None:
    read = left = 0
    for number, value in enumerate(VALUES):
        path = _file(
            tmp_path / f"{number}",
            f"CREATE TABLE t (id INTEGER, paid BOOLEAN, x {column})",
            params=[value],
        )
        mapping = ColumnMapping(id="id", customer_id="id", has_access="paid")
        config = BILLING_USERS.config(table="t", columns=mapping.replace(**{field: "x"}))
        python, copied = _both(SqliteAccounts(config, env=env(path)))
        if copied is None:
            left += 1
            continue
        read += 1
        assert not isinstance(python, ProdcheckError), (value, python)
        assert copied == python, value
    assert read >= 5 and left >= 1, (read, left)  # a blob, at least, is left


def test_a_plain_table_is_copied_whole(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "CREATE TABLE users (id INTEGER, cus TEXT, paid BOOLEAN, seen TIMESTAMP, plan TEXT)",
        "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 25000) "
        "INSERT INTO users SELECT n, CASE WHEN n % 5 = 0 THEN NULL ELSE 'cus_' || n END, "
        "n % 2, CASE WHEN n % 3 = 0 THEN 1767225600 + n ELSE '2026-01-01 10:20:30' END, "
        "CASE WHEN n % 7 = 0 THEN '' ELSE ' pro ' END FROM g",
    )
    mapping = ColumnMapping(
        id="id", customer_id="cus", has_access="paid", updated_at="seen", plan="plan"
    )
    source = SqliteAccounts(
        BILLING_USERS.config(table="users", columns=mapping, where="id <> 7"), env=env(path)
    )
    copied = source.load_by_sql(duck_connect())
    assert copied is not None
    assert copied == source.load()
    assert copied[1].counts == {"accounts": 24_999}


def test_an_empty_table_is_copied(tmp_path: Path) -> None:
    path = _file(tmp_path, "CREATE TABLE users (id INTEGER, cus TEXT, paid BOOLEAN)")
    mapping = ColumnMapping(id="id", customer_id="cus", has_access="paid")
    source = SqliteAccounts(BILLING_USERS.config(table="users", columns=mapping), env=env(path))
    copied = source.load_by_sql(duck_connect())
    assert copied is not None and copied == source.load()


def _joined_file(tmp_path: Path, *extra: str) -> Path:
    return _file(
        tmp_path,
        "CREATE TABLE users (id INTEGER, paid BOOLEAN, owner)",
        "CREATE TABLE links (user_id TEXT, cus TEXT, live BOOLEAN)",
        "CREATE TABLE teams (owner TEXT, plan TEXT)",
        "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 300) "
        "INSERT INTO users SELECT n, n % 2, CASE WHEN n % 4 = 0 THEN 'o' || n END FROM g",
        # a text key meets the integer id; some users have no link, some links no user
        "WITH RECURSIVE g(n) AS (SELECT 50 UNION ALL SELECT n + 1 FROM g WHERE n < 400) "
        "INSERT INTO links SELECT CAST(n AS TEXT), 'cus_' || n, n % 10 <> 0 FROM g",
        "WITH RECURSIVE g(n) AS (SELECT 4 UNION ALL SELECT n + 8 FROM g WHERE n < 300) "
        "INSERT INTO teams SELECT 'o' || n, CASE WHEN n % 3 = 0 THEN 'team' ELSE ' pro ' END "
        "FROM g",
        *extra,
    )


def _joined_source(path: Path, where: str | None = "live") -> SqliteAccounts:
    columns = ColumnMapping(id="id", customer_id="links.cus", has_access="paid", plan="teams.plan")
    joins = (Join("links", (("user_id", "id"),), where), Join("teams", (("owner", "owner"),)))
    config = BILLING_USERS.config(table="users", columns=columns, joins=joins)
    return SqliteAccounts(config, env=env(path))


def test_joined_tables_are_copied_and_joined_as_sqlite3_rows_are(tmp_path: Path) -> None:
    python, copied = _both(_joined_source(_joined_file(tmp_path)))
    assert copied is not None
    assert copied == python
    accounts = python[0].accounts
    assert len(accounts) == 300
    assert len([a for a in accounts if a.customer_id]) == 251 - 26  # the where drops 26
    assert {a.plan for a in accounts} == {None, "pro", "team"}


@pytest.mark.parametrize(
    "extra",
    [
        "INSERT INTO links VALUES ('60', 'cus_other', 1)",  # a key twice
        "INSERT INTO users VALUES (999, 1, 61.5)",  # a real key: str(61.5)
    ],
)
def test_a_join_the_copy_does_not_read_as_joins_py_is_left_to_it(
    tmp_path: Path, extra: str
) -> None:
    source = _joined_source(_joined_file(tmp_path, extra), where=None)
    assert source.load_by_sql(duck_connect()) is None
    source.load()  # which reads it


def test_a_missing_column_is_named_by_sqlite3s_reader(db_file: Path) -> None:  # noqa: F811
    config = config_for(PRISMA_USER, columns=PRISMA_USER.columns.replace(plan="no_such_column"))
    source = SqliteAccounts(config, env=env(db_file))
    assert source.load_by_sql(duck_connect()) is None
    with pytest.raises(SourceError, match="no_such_column"):
        source.load()


def test_a_slow_read_is_stopped_once(db_file: Path) -> None:  # noqa: F811
    slow = (
        "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
        "SELECT count(*) FROM c) > 0"
    )
    config = PRISMA_USER.config(where=slow, statement_timeout_seconds=0.3)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"longer than database\.statement_timeout_seconds"):
        SqliteAccounts(config, env=env(db_file)).load_by_sql(duck_connect())
    assert time.monotonic() - started < 3
