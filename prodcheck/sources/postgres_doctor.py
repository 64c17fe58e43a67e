"""`prodcheck doctor` on PostgreSQL: URL, connection, table, column types, every
table read, whether the role could write, row-level security, rows. The reading
itself is postgres.py's."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from typing import TYPE_CHECKING

from prodcheck.config import DatabaseConfig
from prodcheck.errors import ProdcheckError, SourceError
from prodcheck.sources.column_checks import column_checks, join_checks, other_table_checks
from prodcheck.sources.database import (
    Check,
    database_url,
    development_host,
    redact_url,
    rows_check,
    tables_read,
)
from prodcheck.sources.postgres import (
    PostgresAccounts,
    _lookup_table,
    _Table,
    read_only_connection,
    select,
)

if TYPE_CHECKING:
    from prodcheck.sources.postgres import Connection

_PRIVILEGES = """
SELECT has_table_privilege(current_user, c.oid, 'INSERT,UPDATE,DELETE'), r.rolsuper,
       c.relrowsecurity,
       c.relrowsecurity AND NOT r.rolsuper AND NOT r.rolbypassrls
         AND (c.relforcerowsecurity OR NOT pg_has_role(c.relowner, 'USAGE'))
FROM pg_class c, pg_roles r WHERE c.oid = %s AND r.rolname = current_user
"""

_GRANTS = (
    "CREATE ROLE prodcheck_ro LOGIN PASSWORD '<choose one>'; "
    "GRANT CONNECT ON DATABASE {database} TO prodcheck_ro; "
    "GRANT USAGE ON SCHEMA {schemas} TO prodcheck_ro; GRANT SELECT ON {tables} TO prodcheck_ro;"
)


def probe(config: DatabaseConfig, env: Mapping[str, str]) -> list[Check]:
    """`prodcheck doctor`: URL, connection, table, column types, write privilege, rows."""
    import psycopg
    from psycopg import sql

    try:
        url = database_url(config, env)
    except ProdcheckError as exc:
        return [Check(f"env {config.url_env}", False, exc.message)]
    checks = [Check(f"env {config.url_env}", True, f"set: {redact_url(url)}")]
    source = PostgresAccounts(config, env=env)
    with ExitStack() as stack:
        try:
            conn = stack.enter_context(read_only_connection(config, env))
        except SourceError as exc:
            return [*checks, Check("connect", False, exc.message)]
        version = conn.info.parameter_status("server_version")
        checks.append(Check("connect", True, f"PostgreSQL {version} as {conn.info.user}"))
        try:
            table = _lookup_table(conn, config.table)
            checks.append(Check(f"table {config.table}", True, f"{table.schema}.{table.name}"))
            checks += column_checks(config, table.columns)
            checks += join_checks(config, lambda name: _lookup_table(conn, name).columns)
            checks += other_table_checks(config, lambda name: _lookup_table(conn, name).columns)
            read = [table] + [_lookup_table(conn, t.table) for t in tables_read(config)]
            checks += _privilege_checks(conn, read, config)
            query = select(table, source.table, sql.SQL("count(*)"))
            selected = conn.execute(query).fetchone()
        except SourceError as exc:
            return [*checks, Check(f"table {config.table}", False, exc.message)]
        except psycopg.Error as exc:
            return [*checks, Check("rows", False, source._failure(exc, conn))]
        count = selected[0] if selected else 0
        checks.append(rows_check(count, config.where))
    return checks


def _privilege_checks(
    conn: Connection, tables: list[_Table], config: DatabaseConfig
) -> list[Check]:
    """Whether the role could write to any table read (a failure, a warning on a
    database on this machine), and row-level security on each table read."""
    from psycopg import sql

    user = conn.info.user
    writable: list[str] = []
    superuser = False
    checks: list[Check] = []
    for table in {t.oid: t for t in tables}.values():
        row = conn.execute(_PRIVILEGES, (table.oid,)).fetchone()
        can_write, superuser, row_security, policies_apply = row or (True, False, False, False)
        qualified = sql.Identifier(table.schema, table.name).as_string(conn)
        if can_write:
            writable.append(qualified)
        if row_security:
            message = (
                f"policies on {qualified} hide rows from role {user}, so prodcheck would "
                "check only the rows they allow: ALTER ROLE ... BYPASSRLS, or use the "
                "table's owner"
                if policies_apply
                else f"enabled on {qualified}, but role {user} sees every row"
            )
            checks.append(Check("row-level security", not policies_apply, message))
    if not writable:
        named = ", ".join(sql.Identifier(t.schema, t.name).as_string(conn) for t in tables)
        return [Check("read-only role", True, f"role {user} cannot write to {named}"), *checks]
    # The role must read every table read (declared tables and joins too), and
    # nothing else.
    read = list({t.oid: t for t in tables}.values())
    grants = _GRANTS.format(
        database=sql.Identifier(conn.info.dbname).as_string(conn),
        schemas=", ".join(
            sql.Identifier(schema).as_string(conn)
            for schema in dict.fromkeys(t.schema for t in read)
        ),
        tables=", ".join(sql.Identifier(t.schema, t.name).as_string(conn) for t in read),
    )
    local = development_host(conn.info.host)
    message = (
        f"role {user}{' (a superuser)' if superuser else ''} can INSERT, UPDATE or DELETE "
        f"on {', '.join(writable)}. prodcheck reads in a read-only transaction, but a role "
        f"that cannot write makes that true by construction. Create one and put its URL in "
        f"${config.url_env}: {grants}"
    )
    if local:
        message = (
            f"{message} (a warning: the database is on this machine, a development "
            "database; if it is production behind a proxy, use the read-only role)"
        )
    return [Check("read-only role", False, message, warning=local), *checks]
