"""A MySQL/MariaDB accounts table copied into DuckDB (sources/mysql_copy.py)
against the real MariaDB server: the same Accounts as PyMySQL's rows through
rows.py, value by value and column type by column type; what it does not read as
PyMySQL does is left to that path; joined tables joined as joins.py joins them;
a slow read stopped at the time limit, once."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest

from prodcheck.config import DatabaseConfig
from prodcheck.engine.duck import connect as duck_connect
from prodcheck.errors import ProdcheckError, SourceError
from prodcheck.mapping import ColumnMapping, Join
from prodcheck.sources.mysql import MysqlAccounts

from .conftest import mysql_run
from .test_mysql import RESERVED, SCHEMA, URL_ENV, _env


def _both(source: MysqlAccounts) -> tuple[Any, Any]:
    """(what PyMySQL and rows.py read, or the error; what the copy read, or None)."""
    try:
        python: Any = source.load()
    except ProdcheckError as exc:
        python = exc
    return python, source.load_by_sql(duck_connect())


def test_reserved_names_booleans_enums_and_dates_are_copied(my_database: str) -> None:
    mysql_run(my_database, *SCHEMA)
    python, copied = _both(MysqlAccounts(RESERVED, env=_env(my_database)))
    assert copied is not None
    assert copied == python


# Column type -> values (SQL literals), some the copy reads and some it leaves to
# PyMySQL; whichever path reads them, the result is the same.
VALUES = {
    "varchar(64)": ["'cus_1'", "' cus_2 '", "''", "NULL", "'true'", "'0'", "'2026-01-01'",
                    "'1767225600'", "'2026-01-01T10:20:30+05:30'", "'ünï'", "'a\\nb'"],
    "bigint": ["0", "1", "2", "-7", "9223372036854775807", "NULL", "1767225600"],
    "tinyint(1)": ["0", "1", "2", "-1", "NULL"],
    "datetime(6)": ["'2026-01-01 10:20:30'", "'2026-01-01 10:20:30.123456'", "NULL"],
    "datetime": ["'2026-01-01 10:20:30'", "'0000-00-00 00:00:00'", "NULL"],
    "timestamp NULL": ["'2026-01-01 10:20:30'", "NULL"],
    "date": ["'2026-01-01'", "NULL"],
    "enum('free','pro')": ["'free'", "'pro'", "NULL"],
    "decimal(10,2)": ["1", "NULL"],
    "double": ["1.5", "NULL"],
}  # fmt: skip
FIELDS = ("customer_id", "comped", "deleted_at")


@pytest.mark.parametrize("column", sorted(VALUES))
def test_every_value_is_read_as_pymysql_and_rows_py_read_it(my_database: str, column: str) -> None:
    mysql_run(
        my_database,
        "SET SESSION sql_mode = ''",  # lets a zero date in
        "CREATE TABLE v (id int, paid tinyint(1), x " + column + ")",
    )
    read = 0
    for number, value in enumerate(VALUES[column]):
        mysql_run(
            my_database,
            "DELETE FROM v",
            "SET SESSION sql_mode = ''",
            f"INSERT INTO v VALUES ({number}, 1, {value})",
        )
        for field in FIELDS:
            mapping = ColumnMapping(id="id", customer_id="id", has_access="paid")
            config = DatabaseConfig(
                table="v", columns=mapping.replace(**{field: "x"}), url_env=URL_ENV
            )
            python, copied = _both(MysqlAccounts(config, env=_env(my_database)))
            if copied is not None:
                read += 1
                assert not isinstance(python, ProdcheckError), (value, field, python)
                assert copied == python, (value, field)
    if not column.startswith(("decimal", "double")):
        assert read, "no value of this type copied"
    else:
        assert not read  # a number with a fraction is PyMySQL's to read


def test_a_large_table_is_copied_in_batches(my_database: str) -> None:
    mysql_run(
        my_database,
        "CREATE TABLE big (id bigint, customer_id varchar(32), paid boolean, seen datetime)",
        "INSERT INTO big SELECT seq, IF(seq % 5 = 0, NULL, CONCAT('cus_', seq)), seq % 3 = 0, "
        "'2026-01-01 00:00:00' + INTERVAL seq MINUTE FROM seq_1_to_25000",
    )
    config = DatabaseConfig(
        table="big",
        columns=ColumnMapping(
            id="id", customer_id="customer_id", has_access="paid", updated_at="seen"
        ),
        url_env=URL_ENV,
        where="id <> 7",
    )
    python, copied = _both(MysqlAccounts(config, env=_env(my_database)))
    assert copied is not None
    assert copied == python
    assert copied[1].counts == {"accounts": 24_999}


def _joined(my_database: str, *extra: str) -> MysqlAccounts:
    mysql_run(
        my_database,
        "CREATE TABLE users (id bigint, paid tinyint(1), owner varchar(8))",
        "CREATE TABLE links (user_id varchar(8), cus varchar(16), live tinyint(1))",
        "CREATE TABLE teams (owner varchar(8), plan varchar(8))",
        "INSERT INTO users SELECT seq, seq % 2, IF(seq % 4 = 0, CONCAT('o', seq), NULL) "
        "FROM seq_1_to_300",
        # a text key meets the bigint id; some users have no link, some links no user
        "INSERT INTO links SELECT seq, CONCAT('cus_', seq), seq % 10 <> 0 FROM seq_50_to_400",
        "INSERT INTO teams SELECT CONCAT('o', seq), IF(seq % 3 = 0, 'team', ' pro ') "
        "FROM seq_4_to_300_step_8",
        *extra,
    )
    columns = ColumnMapping(id="id", customer_id="links.cus", has_access="paid", plan="teams.plan")
    joins = (Join("links", (("user_id", "id"),), "live"), Join("teams", (("owner", "owner"),)))
    config = DatabaseConfig(table="users", columns=columns, url_env=URL_ENV, joins=joins)
    return MysqlAccounts(config, env=_env(my_database))


def test_joined_tables_are_copied_and_joined_as_pymysql_rows_are(my_database: str) -> None:
    python, copied = _both(_joined(my_database))
    assert copied is not None
    assert copied == python
    accounts = python[0].accounts
    assert len(accounts) == 300
    assert len([a for a in accounts if a.customer_id]) == 251 - 26  # the where drops 26
    assert {a.plan for a in accounts} == {None, "pro", "team"}


def test_a_key_of_several_rows_is_left_to_joins_py(my_database: str) -> None:
    source = _joined(my_database, "INSERT INTO links VALUES ('61', 'cus_other', 1)")
    assert source.load_by_sql(duck_connect()) is None
    assert "match several rows" in " ".join(source.load()[1].notes)


def test_a_slow_read_is_stopped_once(my_database: str) -> None:
    mysql_run(my_database, *SCHEMA)
    slow = replace(RESERVED, where="SLEEP(3) = 0", statement_timeout_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"took longer than database\.statement_timeout_seconds"):
        MysqlAccounts(slow, env=_env(my_database)).load_by_sql(duck_connect())
    assert time.monotonic() - started < 2.5
