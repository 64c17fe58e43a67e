"""PostgreSQL and MariaDB databases of the tests' own, created on the real servers and
dropped after.

PostgreSQL is expected at 127.0.0.1:5432 (trust auth, user postgres; set
PRODCHECK_TEST_PG_ADMIN_URL to use another), MariaDB (or MySQL) at 127.0.0.1:3306
(root, empty password; PRODCHECK_TEST_MYSQL_URL). A test that needs a server and
cannot reach it fails: a skipped database test would hide a broken adapter.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from .data import TABLES, insert_sql

ADMIN_URL = os.environ.get(
    "PRODCHECK_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# Trust auth accepts any password; one in the URL lets tests prove it never leaks.
TEST_PASSWORD = "Pr0dcheck-T3st-Secret"


def url_for(database: str, *, user: str | None = None, password: str | None = None) -> str:
    parts = urlsplit(ADMIN_URL)
    user = user or parts.username or "postgres"
    password = password or parts.password or TEST_PASSWORD
    host = parts.hostname or "127.0.0.1"
    netloc = f"{user}:{password}@{host}:{parts.port or 5432}"
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, ""))


def connect(url: str, **kwargs: Any) -> Any:
    import psycopg

    try:
        return psycopg.connect(url, connect_timeout=5, **kwargs)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL not reachable at 127.0.0.1:5432: {exc}", pytrace=False)


def run(url: str, *statements: str) -> None:
    """Set-up SQL, through a writable connection of the test's own (never the adapter's)."""
    with connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@contextmanager
def pg_database(prefix: str = "prodcheck_test") -> Iterator[str]:
    """URL (with a password) of a fresh database, dropped WITH (FORCE) at the end."""
    from psycopg import sql

    name = f"{prefix}_{secrets.token_hex(6)}"
    with connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url_for(name)
    finally:
        with connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh database for the whole session."""
    with pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_tables(pg_url: str) -> str:
    """The awkwardly named tables of data.py, filled, plus a 20,000-row one; returns the URL."""
    with connect(pg_url, autocommit=True) as conn:
        for table in TABLES:
            conn.execute(table.postgres_ddl)
            with conn.cursor() as cursor:
                cursor.executemany(insert_sql(table), [tuple(r.values()) for r in table.rows])
        conn.execute(
            "CREATE TABLE big_accounts AS SELECT g AS id, 'cus_' || g AS customer_id, "
            "g % 3 = 0 AS has_access FROM generate_series(1, 20000) AS g"
        )
    return pg_url


@pytest.fixture(scope="session")
def readonly_role(pg_tables: str) -> Iterator[str]:
    """A role that may only SELECT from billing.users; returns a URL logging in as it."""
    from psycopg import sql

    role = f"prodcheck_ro_{secrets.token_hex(4)}"
    database = urlsplit(pg_tables).path.lstrip("/")
    ident = sql.Identifier(role)
    with connect(pg_tables, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), ident)
        )
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA billing TO {}").format(ident))
        conn.execute(sql.SQL("GRANT SELECT ON billing.users TO {}").format(ident))
    try:
        yield url_for(database, user=role)
    finally:
        with connect(pg_tables, autocommit=True) as conn:
            # Revokes its grants here and on the database, so the role can be dropped.
            conn.execute(sql.SQL("DROP OWNED BY {}").format(ident))
            conn.execute(sql.SQL("DROP ROLE {}").format(ident))


MYSQL_ADMIN_URL = os.environ.get("PRODCHECK_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/")


def mysql_connect(database: str | None = None) -> Any:
    """A writable connection of the test's own to the MariaDB (or MySQL) server."""
    import pymysql

    parts = urlsplit(MYSQL_ADMIN_URL)
    try:
        return pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            database=database,
            autocommit=True,
            connect_timeout=5,
        )
    except pymysql.err.OperationalError as exc:
        pytest.fail(f"MariaDB not reachable at 127.0.0.1:3306: {exc}", pytrace=False)


def mysql_run(database: str, *statements: str) -> None:
    with mysql_connect(database) as conn, conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def mysql_url_for(database: str, *, user: str = "", password: str = "") -> str:
    parts = urlsplit(MYSQL_ADMIN_URL)
    login = user or parts.username or "root"
    secret = password or parts.password or ""
    userinfo = f"{login}:{secret}" if secret else login
    return f"mysql://{userinfo}@{parts.hostname or '127.0.0.1'}:{parts.port or 3306}/{database}"


@contextmanager
def mysql_database(prefix: str = "prodcheck_test") -> Iterator[str]:
    """A database of the test's own on the MariaDB server, dropped at the end."""
    name = f"{prefix}_{secrets.token_hex(5)}"
    with mysql_connect() as conn, conn.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield name
    finally:
        with mysql_connect() as conn, conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def my_database() -> Iterator[str]:
    """The name of a fresh MariaDB database; mysql_url_for(name) connects to it."""
    with mysql_database() as name:
        yield name
