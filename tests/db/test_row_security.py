"""Row-level security whose policies apply to prodcheck's role is a failed doctor check
(the role would read only the rows they allow, and a check could pass having read
nothing); a role the policies do not apply to passes it. On the real server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from prodcheck.config import DatabaseConfig
from prodcheck.mapping import ColumnMapping, TableConfig
from prodcheck.sources.database import probe
from prodcheck.tables import APP_SUBSCRIPTIONS

from .conftest import run, url_for

SCHEMA = "rls_app"
CONFIG = DatabaseConfig(
    table=f"{SCHEMA}.users",
    columns=ColumnMapping(id="id", customer_id="cus", has_access="paid"),
    url_env="APP_DB",
)


@pytest.fixture
def role_url(pg_url: str) -> Iterator[tuple[str, str]]:
    """A table with row-level security on and a role that may SELECT from it; yields
    (URL logging in as the role, the role's name)."""
    role = f"prodcheck_rls_{secrets.token_hex(4)}"
    database = urlsplit(pg_url).path.lstrip("/")
    run(
        pg_url,
        f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE",
        f"CREATE SCHEMA {SCHEMA}",
        f"CREATE TABLE {SCHEMA}.users (id text PRIMARY KEY, cus text, paid boolean)",
        f"INSERT INTO {SCHEMA}.users SELECT 'u' || g, 'cus_' || g, g % 2 = 0 "
        "FROM generate_series(1, 30) g",
        f"ALTER TABLE {SCHEMA}.users ENABLE ROW LEVEL SECURITY",
        f"CREATE ROLE {role} LOGIN",
        f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {role}",
        f"GRANT SELECT ON {SCHEMA}.users TO {role}",
    )
    try:
        yield url_for(database, user=role), role
    finally:
        run(pg_url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE", f"DROP OWNED BY {role}")
        run(pg_url, f"DROP ROLE {role}")


def _security(url: str) -> tuple[bool, str, str]:
    checks = probe(CONFIG, {"APP_DB": url})
    found = [c for c in checks if c.name == "row-level security"]
    assert len(found) == 1, checks
    rows = next(c.message for c in checks if c.name == "rows")
    return found[0].ok, found[0].message, rows


def test_policies_that_hide_every_row_fail_the_check(role_url: tuple[str, str]) -> None:
    url, role = role_url
    ok, message, rows = _security(url)
    assert rows.startswith("0 to check")  # what the role sees: nothing
    assert not ok
    assert f"hide rows from role {role}" in message and "BYPASSRLS" in message


def test_policies_apply_even_when_they_show_rows(role_url: tuple[str, str], pg_url: str) -> None:
    url, role = role_url
    run(pg_url, f"CREATE POLICY paid_only ON {SCHEMA}.users FOR SELECT TO {role} USING (paid)")
    ok, _, rows = _security(url)
    assert rows.startswith("15 to check") and not ok


def test_a_role_that_bypasses_the_policies_passes(role_url: tuple[str, str], pg_url: str) -> None:
    url, role = role_url
    run(pg_url, f"ALTER ROLE {role} BYPASSRLS")
    ok, message, rows = _security(url)
    assert ok and rows.startswith("30 to check")
    assert f"but role {role} sees every row" in message


def test_every_table_read_is_checked_not_only_the_accounts(
    role_url: tuple[str, str], pg_url: str
) -> None:
    """The accounts table has no policies; the app's subscriptions table, read beside
    it, hides its rows from the role: that is the failed check."""
    url, role = role_url
    run(
        pg_url,
        f"CREATE TABLE {SCHEMA}.accounts (id text, cus text, paid boolean)",
        f"INSERT INTO {SCHEMA}.accounts VALUES ('u1', 'cus_1', true)",
        f"GRANT SELECT ON {SCHEMA}.accounts TO {role}",
    )
    app = TableConfig(
        APP_SUBSCRIPTIONS,
        f"{SCHEMA}.users",
        ColumnMapping(spec=APP_SUBSCRIPTIONS, id="id"),
        key="database.tables.app_subscriptions",
    )
    config = replace(CONFIG, table=f"{SCHEMA}.accounts", others={"app_subscriptions": app})
    checks = probe(config, {"APP_DB": url})
    security = [c for c in checks if c.name == "row-level security"]
    assert [c.ok for c in security] == [False]
    assert f'"{SCHEMA}"."users"' in security[0].message
    assert next(c for c in checks if c.name == "rows").message.startswith("1 to check")
