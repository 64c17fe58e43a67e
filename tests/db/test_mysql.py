"""The MySQL/MariaDB adapter against the real MariaDB server at 127.0.0.1:3306: quoted
reserved names, tinyint(1) booleans, UTC times, enum plans, streamed rows, the
read-only transaction, the statement time limit, messages that name what to fix
and never a password, and doctor's privilege audit."""

from __future__ import annotations

import secrets
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from prodcheck.config import DatabaseConfig
from prodcheck.errors import ConfigError, SourceError
from prodcheck.mapping import ColumnMapping
from prodcheck.sources import mysql
from prodcheck.sources.database import describe_tables, open_accounts_source, probe, sample_rows

from .conftest import mysql_connect, mysql_run, mysql_url_for
from .data import sorted_accounts

URL_ENV = "APP_DB"
RESERVED = DatabaseConfig(
    table="user",
    columns=ColumnMapping(
        id="id", customer_id="select", has_access="user", plan="tier", deleted_at="from",
        updated_at="updatedAt",
    ),
    url_env=URL_ENV,
)  # fmt: skip
SCHEMA = [
    "CREATE TABLE `user` (id bigint PRIMARY KEY, `select` varchar(64), `user` tinyint(1), "
    "tier enum('free','pro','team'), `from` date, `updatedAt` datetime(3), stamp timestamp "
    "NULL)",
    "INSERT INTO `user` VALUES (10, 'cus_R10', 1, 'pro', NULL, '2025-01-02 03:04:05.678', "
    "NULL), (11, 'cus_R11', 0, 'free', '2024-05-05', NULL, NULL), (12, NULL, 1, NULL, NULL, "
    "NULL, NULL)",
]


def _env(database: str, **login: str) -> dict[str, str]:
    return {URL_ENV: mysql_url_for(database, **login)}


def test_reads_reserved_names_booleans_enums_and_dates(my_database: str) -> None:
    mysql_run(my_database, *SCHEMA)
    state, info = open_accounts_source(RESERVED, _env(my_database)).load()
    accounts = sorted_accounts(state)
    assert [a.id for a in accounts] == ["10", "11", "12"]
    assert [a.customer_id for a in accounts] == ["cus_R10", "cus_R11", None]
    assert [a.has_access for a in accounts] == [True, False, True]  # tinyint(1)
    assert [a.plan for a in accounts] == ["pro", "free", None]
    assert accounts[1].deleted_at == datetime(2024, 5, 5, tzinfo=UTC)
    assert info.kind == "mysql" and info.counts == {"accounts": 3}


def test_timestamps_read_as_utc_whatever_the_writer_zone(my_database: str) -> None:
    mysql_run(
        my_database,
        *SCHEMA,
        "SET time_zone = '+02:00'",
        "UPDATE `user` SET stamp = '2025-01-01 14:00:00' WHERE id = 10",
    )
    config = DatabaseConfig(
        table="user",
        columns=ColumnMapping(id="id", customer_id="select", has_access="user", updated_at="stamp"),
        url_env=URL_ENV,
    )
    state, _ = open_accounts_source(config, _env(my_database)).load()
    stamped = next(a for a in state.accounts if a.id == "10")
    assert stamped.updated_at == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def test_where_narrows_and_a_second_statement_is_refused(my_database: str) -> None:
    mysql_run(my_database, *SCHEMA)
    narrowed = replace(RESERVED, where="tier = 'pro'")
    state, info = open_accounts_source(narrowed, _env(my_database)).load()
    assert [a.id for a in state.accounts] == ["10"] and "where tier = 'pro'" in info.notes
    hostile = replace(RESERVED, where="1=1; DELETE FROM `user`")
    with pytest.raises(SourceError, match=r"database.where .* failed"):
        open_accounts_source(hostile, _env(my_database)).load()
    with mysql_connect(my_database) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM `user`")
        assert cursor.fetchone()[0] == 3


def test_the_session_is_a_read_only_transaction(my_database: str) -> None:
    import pymysql

    mysql_run(my_database, *SCHEMA)
    with mysql._session(mysql_url_for(my_database), "test") as conn, conn.cursor() as cursor:
        with pytest.raises(pymysql.err.OperationalError) as caught:
            cursor.execute("INSERT INTO `user` (id) VALUES (99)")
        assert caught.value.args[0] == 1792  # "Cannot execute statement in a READ ONLY transaction"


def test_a_slow_read_stops_at_the_statement_time_limit(my_database: str) -> None:
    mysql_run(my_database, *SCHEMA)
    slow = replace(RESERVED, where="SLEEP(3) = 0", statement_timeout_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"took longer than database\.statement_timeout_seconds"):
        open_accounts_source(slow, _env(my_database)).load()
    assert time.monotonic() - started < 2.5


def test_rows_stream(my_database: str) -> None:
    mysql_run(
        my_database,
        "CREATE TABLE big (id bigint, customer_id varchar(32), paid boolean)",
        "INSERT INTO big SELECT seq, CONCAT('cus_', seq), seq % 3 = 0 FROM seq_1_to_20000",
    )
    config = DatabaseConfig(
        table="big",
        columns=ColumnMapping(id="id", customer_id="customer_id", has_access="paid"),
        url_env=URL_ENV,
    )
    state, _ = open_accounts_source(config, _env(my_database)).load()
    assert len(state.accounts) == 20_000
    assert sum(a.has_access for a in state.accounts) == 6_666


def test_missing_table_and_column_say_what_to_fix(my_database: str) -> None:
    mysql_run(my_database, *SCHEMA)
    typo = replace(RESERVED, table="usr")
    with pytest.raises(
        SourceError, match=r"table 'usr' not found in database .*Close matches: user"
    ):
        open_accounts_source(typo, _env(my_database)).load()
    columns = ColumnMapping(id="id", customer_id="selct", has_access="user")
    wrong = replace(RESERVED, columns=columns)
    with pytest.raises(SourceError, match=r"customer_id -> 'selct' \(close matches: select\)"):
        open_accounts_source(wrong, _env(my_database)).load()


def test_a_password_never_shows(my_database: str) -> None:
    secret = f"Pw-{secrets.token_hex(6)}"
    env = _env(my_database, user="nobody_here", password=secret)
    with pytest.raises(SourceError) as caught:
        open_accounts_source(RESERVED, env).load()
    assert "cannot connect to MySQL" in caught.value.message
    assert "fix the user and password" in caught.value.message
    assert secret not in caught.value.message
    checks = probe(RESERVED, env)
    assert [c.name for c in checks] == [f"env {URL_ENV}", "connect"]
    assert all(secret not in c.message for c in checks)


def test_bad_urls_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="port that is not a number"):
        mysql._parameters("mysql://u:pw@h:notaport/db")
    assert mysql._parameters("mysql://u@h/db?unix_socket=/run/mysqld.sock")["unix_socket"] == (
        "/run/mysqld.sock"
    )


@pytest.mark.parametrize(
    ("data_type", "column_type", "kind"),
    [("tinyint", "tinyint(1)", "boolean"), ("tinyint", "tinyint(4)", "integer"),
     ("bigint", "bigint(20) unsigned", "integer"), ("varchar", "varchar(64)", "text"),
     ("enum", "enum('a','b')", "enum"), ("datetime", "datetime(3)", "timestamp"),
     ("json", "longtext", "other"), ("uuid", "uuid", "uuid")],
)  # fmt: skip
def test_column_kinds(data_type: str, column_type: str, kind: str) -> None:
    assert mysql.kind(data_type, column_type) == kind


def test_doctor_audits_privileges(my_database: str) -> None:
    mysql_run(my_database, *SCHEMA)
    root = {c.name: c for c in probe(RESERVED, _env(my_database))}
    assert root["connect"].ok and "MariaDB" in root["connect"].message
    assert root["column has_access -> user"].ok  # tinyint(1) is a boolean
    writable = root["read-only user"]
    assert not writable.ok and writable.warning  # a database on this machine
    assert "CREATE USER 'prodcheck_ro'@'%'" in writable.message
    assert f"GRANT SELECT ON `{my_database}`.`user`" in writable.message
    assert root["rows"].ok and root["rows"].message.startswith("3 to check")

    user, password = f"pc_ro_{secrets.token_hex(3)}", f"Pw-{secrets.token_hex(6)}"
    mysql_run(
        my_database,
        f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'",
        f"GRANT SELECT ON `{my_database}`.`user` TO '{user}'@'%'",
    )
    try:
        checks = probe(RESERVED, _env(my_database, user=user, password=password))
        assert [c for c in checks if not c.ok] == []
        assert any(c.name == "read-only user" for c in checks)
        assert all(password not in c.message for c in checks)
    finally:
        mysql_run(my_database, f"DROP USER '{user}'@'%'")


def test_init_reads_schema_and_samples(my_database: str, tmp_path: Path) -> None:
    mysql_run(my_database, *SCHEMA)
    url = mysql_url_for(my_database)
    tables = describe_tables(url)
    assert ("user", "tinyint(1)") in tables["user"]
    rows = sample_rows(url, ["user"], 2)["user"]
    assert len(rows) == 2 and {"select", "user", "tier"} <= set(rows[0])
