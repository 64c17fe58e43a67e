"""`prodcheck doctor` on MySQL and MariaDB: URL, connection, table, column kinds,
every table read, whether the user could write (its global, database and table
privileges), rows. The reading itself is mysql.py's."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from typing import Any

from prodcheck.config import DatabaseConfig
from prodcheck.errors import ProdcheckError, SourceError
from prodcheck.sources.column_checks import column_checks, join_checks, other_table_checks
from prodcheck.sources.database import (
    Check,
    database_url,
    development_host,
    redact_url,
    rows_check,
    scrub,
    tables_read,
)
from prodcheck.sources.mysql import (
    MysqlAccounts,
    _parameters,
    _query,
    lookup_table,
    quote,
    read_failure,
    read_only_connection,
    select,
    server_version,
)

_WRITES = ("INSERT", "UPDATE", "DELETE", "ALL PRIVILEGES")
_USER = "CREATE USER 'prodcheck_ro'@'%' IDENTIFIED BY '<choose one>';"
_GRANT = "GRANT SELECT ON {table} TO 'prodcheck_ro'@'%';"  # one table per GRANT in MySQL


def probe(config: DatabaseConfig, env: Mapping[str, str]) -> list[Check]:
    """`prodcheck doctor`: URL, connection, table, column types, write privilege, rows."""
    import pymysql

    try:
        url = database_url(config, env)
    except ProdcheckError as exc:
        return [Check(f"env {config.url_env}", False, exc.message)]
    checks = [Check(f"env {config.url_env}", True, f"set: {redact_url(url)}")]
    source = MysqlAccounts(config, env=env)
    with ExitStack() as stack:
        try:
            conn = stack.enter_context(read_only_connection(config, env))
        except ProdcheckError as exc:
            return [*checks, Check("connect", False, exc.message)]
        user = _query(conn, "SELECT CURRENT_USER()")[0][0]
        name = "MariaDB" if "mariadb" in server_version(conn).lower() else "MySQL"
        checks.append(Check("connect", True, f"{name} {server_version(conn)} as {user}"))
        try:
            parts, columns = lookup_table(conn, config.table)
            checks.append(Check(f"table {config.table}", True, ".".join(parts)))
            checks += column_checks(config, columns, ignore_case=True)
            checks += join_checks(config, lambda n: lookup_table(conn, n)[1], ignore_case=True)
            checks += other_table_checks(
                config, lambda n: lookup_table(conn, n)[1], ignore_case=True
            )
            read = [parts] + [lookup_table(conn, t.table)[0] for t in tables_read(config)]
            checks.append(_privilege_check(conn, str(user), read, config, _parameters(url)))
            count = _query(conn, select(parts, source.table, "count(*)"))[0][0]
        except SourceError as exc:
            return [*checks, Check(f"table {config.table}", False, exc.message)]
        except pymysql.Error as exc:
            what = read_failure(exc, conn, source.table, config.statement_timeout_seconds)
            return [
                *checks,
                Check("rows", False, scrub(f"MySQL at {source.location}: {what}.", url)),
            ]
        checks.append(rows_check(count, config.where))
    return checks


def _privilege_check(
    conn: Any, user: str, tables: list[tuple[str, str]], config: DatabaseConfig,
    params: Mapping[str, Any],
) -> Check:  # fmt: skip
    """Whether the user holds INSERT, UPDATE or DELETE (or ALL) on any table read, at
    the global, database or table level (information_schema's privilege views)."""
    name, _, host = user.rpartition("@")
    grantee = f"'{name}'@'{host}'"
    marks = ", ".join(["%s"] * len(_WRITES))
    writable: list[str] = []
    superuser = bool(
        _query(
            conn,
            "SELECT 1 FROM information_schema.user_privileges WHERE grantee = %s "
            "AND privilege_type = 'SUPER'",
            (grantee,),
        )
    )
    for schema, table in dict.fromkeys(tables):
        found = _query(
            conn,
            "SELECT privilege_type FROM information_schema.user_privileges WHERE grantee = %s "
            f"AND privilege_type IN ({marks}) UNION ALL "
            "SELECT privilege_type FROM information_schema.schema_privileges WHERE grantee = %s "
            f"AND table_schema = %s AND privilege_type IN ({marks}) UNION ALL "
            "SELECT privilege_type FROM information_schema.table_privileges WHERE grantee = %s "
            f"AND table_schema = %s AND table_name = %s AND privilege_type IN ({marks})",
            (grantee, *_WRITES, grantee, schema, *_WRITES, grantee, schema, table, *_WRITES),
        )
        if found:
            writable.append(quote(schema, table))
    if not writable:
        named = ", ".join(quote(*t) for t in dict.fromkeys(tables))
        return Check("read-only user", True, f"user {user} cannot write to {named}")
    local = development_host(params.get("unix_socket") or params.get("host"))
    # The user must read every table read (declared tables and joins too).
    grants = " ".join([_USER, *(_GRANT.format(table=quote(*t)) for t in dict.fromkeys(tables))])
    message = (
        f"user {user}{' (with SUPER)' if superuser else ''} can INSERT, UPDATE or DELETE on "
        f"{', '.join(writable)}. prodcheck reads in a read-only transaction, but a user that "
        f"cannot write makes that true by construction. Create one and put its URL in "
        f"${config.url_env}: {grants}"
    )
    if local:
        message += (
            " (a warning: the database is on this machine, a development database; if it "
            "is production behind a proxy, use the read-only user)"
        )
    return Check("read-only user", False, message, warning=local)
