"""PostgresAccounts against the real server: same results as fixtures, read-only, clear errors."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from prodcheck.config import ColumnMapping
from prodcheck.errors import CredentialError, DataError, SourceError
from prodcheck.sources.database import open_accounts_source, probe
from prodcheck.sources.fixtures import FixtureAccounts
from prodcheck.sources.postgres import PostgresAccounts, describe_tables, read_only_connection

from .conftest import TEST_PASSWORD, connect, run, url_for
from .data import BILLING_USERS, PRISMA_USER, TABLES, URL_ENV, Table, sorted_accounts


def env(url: str) -> dict[str, str]:
    return {URL_ENV: url}


def count_rows(url: str, table: str = "billing.users") -> int:
    with connect(url) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_live_rows_read_exactly_like_the_same_rows_as_fixtures(
    pg_tables: str, table: Table, tmp_path: Path
) -> None:
    config = table.config()
    live, info = PostgresAccounts(config, env=env(pg_tables)).load()
    fixture, _ = FixtureAccounts(table.write_fixture(tmp_path, config), config).load()
    assert sorted_accounts(live) == sorted_accounts(fixture)
    assert live.mapped_columns == fixture.mapped_columns
    assert info.kind == "postgres"
    assert info.counts == {"accounts": len(table.rows)}


def test_rows_stream_in_id_order_and_only_mapped_columns(pg_tables: str) -> None:
    rows = list(PostgresAccounts(BILLING_USERS.config(), env=env(pg_tables)).fetch())
    assert [row["id"] for row in rows] == sorted(row["id"] for row in BILLING_USERS.rows)
    assert set(rows[0]) == {column for _, column in BILLING_USERS.columns.items()}


def test_where_filters_inside_the_snapshot(pg_tables: str) -> None:
    where = '"hasPaidAccess" AND "order" IS NOT NULL'
    state, info = PostgresAccounts(PRISMA_USER.config(where=where), env=env(pg_tables)).load()
    expected = [r["id"] for r in PRISMA_USER.rows if r["hasPaidAccess"] and r["order"]]
    assert [account.id for account in state.accounts] == expected
    assert f"where {where}" in info.notes


def test_twenty_thousand_rows_stream_through_a_server_side_cursor(pg_tables: str) -> None:
    config = BILLING_USERS.config(
        table="big_accounts",
        columns=ColumnMapping(id="id", customer_id="customer_id", has_access="has_access"),
    )
    rows = PostgresAccounts(config, env=env(pg_tables)).fetch()
    first = next(rows)
    with connect(pg_tables) as observer:
        running = observer.execute(
            "SELECT query FROM pg_stat_activity "
            "WHERE application_name = 'prodcheck' AND datname = current_database()"
        ).fetchall()
    rest = list(rows)
    assert [q for (q,) in running if q.startswith("FETCH FORWARD")], running
    seen = [first, *rest]
    assert len(seen) == 20_000
    assert all(r["customer_id"] == f"cus_{r['id']}" for r in seen)
    assert [r["id"] for r in seen if r["has_access"]] == [i for i in range(1, 20_001) if i % 3 == 0]


def test_closing_the_stream_early_ends_the_session(pg_tables: str) -> None:
    rows = PostgresAccounts(BILLING_USERS.config(), env=env(pg_tables)).fetch()
    next(rows)
    rows.close()
    with connect(pg_tables) as observer:
        left = observer.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = 'prodcheck' AND datname = current_database()"
        ).fetchone()[0]
    assert left == 0


def test_missing_table_names_it_and_close_matches(pg_tables: str) -> None:
    with pytest.raises(SourceError) as caught:
        PostgresAccounts(BILLING_USERS.config(table="Users"), env=env(pg_tables)).load()
    message = str(caught.value)
    assert "'Users'" in message
    assert "User" in message.split("Close matches:")[1]
    assert TEST_PASSWORD not in message


def test_missing_column_lists_actual_columns_and_case_matches(pg_tables: str) -> None:
    columns = ColumnMapping(id="id", customer_id="stripecustomerid", has_access="hasPaidAccess")
    with pytest.raises(SourceError) as caught:
        PostgresAccounts(PRISMA_USER.config(columns=columns), env=env(pg_tables)).load()
    message = str(caught.value)
    assert "customer_id -> 'stripecustomerid'" in message
    assert "close matches: stripeCustomerId" in message
    assert all(column in message for column in PRISMA_USER.rows[0])


def test_unreachable_server_fails_quickly_without_the_password(pg_tables: str) -> None:
    url = url_for("nowhere").replace(":5432/", ":1/")
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        PostgresAccounts(BILLING_USERS.config(connect_timeout_seconds=2), env=env(url)).load()
    assert time.monotonic() - started < 5
    assert f"${URL_ENV}" in str(caught.value)
    assert TEST_PASSWORD not in str(caught.value)
    assert "***" in str(caught.value)


def test_role_that_may_not_log_in_is_an_authentication_error(pg_tables: str) -> None:
    run(pg_tables, "CREATE ROLE prodcheck_test_nologin NOLOGIN")
    try:
        url = url_for(pg_tables.rsplit("/", 1)[1], user="prodcheck_test_nologin")
        with pytest.raises(SourceError, match="fix the user and password"):
            PostgresAccounts(BILLING_USERS.config(), env=env(url)).load()
    finally:
        run(pg_tables, "DROP ROLE prodcheck_test_nologin")


def test_missing_env_var_is_a_credential_error_naming_it() -> None:
    with pytest.raises(CredentialError, match=URL_ENV):
        PostgresAccounts(BILLING_USERS.config(), env={}).load()


def test_location_is_the_url_without_its_password(pg_tables: str) -> None:
    _, info = PostgresAccounts(BILLING_USERS.config(), env=env(pg_tables)).load()
    assert TEST_PASSWORD not in info.location
    assert ":***@" in info.location


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO billing.users (id, has_access) VALUES (999, true)",
        "UPDATE billing.users SET has_access = NOT has_access",
        "DELETE FROM billing.users",
        "CREATE TABLE billing.sneaky (id int)",
    ],
)
def test_the_adapters_transaction_refuses_writes(pg_tables: str, statement: str) -> None:
    before = count_rows(pg_tables)
    with (
        read_only_connection(BILLING_USERS.config(), env(pg_tables)) as conn,
        pytest.raises(errors.ReadOnlySqlTransaction),
    ):
        conn.execute(statement)
    assert count_rows(pg_tables) == before


def test_the_transaction_cannot_be_switched_to_read_write(pg_tables: str) -> None:
    with (
        read_only_connection(BILLING_USERS.config(), env(pg_tables)) as conn,
        pytest.raises(psycopg.Error, match="before any query"),
    ):
        conn.execute("SET TRANSACTION READ WRITE")


@pytest.mark.parametrize(
    "where",
    [
        "1=1; DELETE FROM billing.users",
        "1=1); DELETE FROM billing.users; --",
        "1=1); COMMIT; DELETE FROM billing.users; --",
    ],
)
def test_a_where_cannot_smuggle_in_a_write(pg_tables: str, where: str) -> None:
    before = count_rows(pg_tables)
    with pytest.raises(SourceError, match=r"database\.where"):
        PostgresAccounts(BILLING_USERS.config(where=where), env=env(pg_tables)).load()
    assert count_rows(pg_tables) == before > 0


def test_a_where_calling_a_writing_function_is_refused(pg_tables: str) -> None:
    run(pg_tables, "CREATE SEQUENCE IF NOT EXISTS billing.probe_seq")
    config = BILLING_USERS.config(where="nextval('billing.probe_seq') > 0")
    with pytest.raises(SourceError, match=r"database\.where .* read-only transaction"):
        PostgresAccounts(config, env=env(pg_tables)).load()
    with connect(pg_tables) as conn:
        assert conn.execute("SELECT is_called FROM billing.probe_seq").fetchone()[0] is False


def test_bad_value_is_a_data_error_naming_the_table_and_column(pg_tables: str) -> None:
    run(pg_tables, "CREATE TABLE IF NOT EXISTS texty (id int, cus text, paid text)")
    run(pg_tables, "INSERT INTO texty VALUES (1, 'cus_1', 'maybe')")
    columns = ColumnMapping(id="id", customer_id="cus", has_access="paid")
    config = BILLING_USERS.config(table="texty", columns=columns)
    with pytest.raises(DataError) as caught:
        PostgresAccounts(config, env=env(pg_tables)).load()
    assert "texty row 1" in str(caught.value)
    assert "'paid'" in str(caught.value)


def test_dispatcher_accepts_a_sqlalchemy_style_url(pg_tables: str) -> None:
    url = pg_tables.replace("postgresql://", "postgresql+psycopg://")
    state, _ = open_accounts_source(BILLING_USERS.config(), env(url)).load()
    assert len(state.accounts) == len(BILLING_USERS.rows)


def test_probe_flags_a_role_that_can_write(pg_tables: str) -> None:
    checks = {c.name: c for c in probe(BILLING_USERS.config(), env(pg_tables))}
    role = checks["read-only role"]
    assert not role.ok
    assert "superuser" in role.message
    assert "CREATE ROLE prodcheck_ro LOGIN" in role.message
    assert 'GRANT SELECT ON "billing"."users" TO prodcheck_ro' in role.message
    assert checks["rows"].ok and f"{len(BILLING_USERS.rows)} to check" in checks["rows"].message


def test_probe_passes_everything_for_a_read_only_role(readonly_role: str) -> None:
    checks = probe(BILLING_USERS.config(), env(readonly_role))
    assert [c for c in checks if not c.ok] == []
    names = [c.name for c in checks]
    assert "read-only role" in names
    assert sum(name.startswith("column ") for name in names) == len(BILLING_USERS.columns.items())
    assert all(TEST_PASSWORD not in c.message for c in checks)


def test_probe_reports_wrong_types_missing_columns_and_stops_on_missing_table(
    pg_tables: str,
) -> None:
    columns = ColumnMapping(id="id", customer_id="stripe_customer_idd", has_access="updated_at")
    checks = {c.name: c for c in probe(BILLING_USERS.config(columns=columns), env(pg_tables))}
    assert not checks["column has_access -> updated_at"].ok
    assert "expected boolean or integer" in checks["column has_access -> updated_at"].message
    assert (
        "close matches: stripe_customer_id"
        in checks["column customer_id -> stripe_customer_idd"].message
    )
    missing = probe(BILLING_USERS.config(table="billing.nope"), env(pg_tables))
    assert [c.ok for c in missing] == [True, True, False]


def test_probe_without_env_var_or_server(pg_tables: str) -> None:
    assert [c.ok for c in probe(BILLING_USERS.config(), {})] == [False]
    down = probe(BILLING_USERS.config(), env(url_for("x").replace(":5432/", ":1/")))
    assert [(c.name, c.ok) for c in down] == [(f"env {URL_ENV}", True), ("connect", False)]


def test_describe_tables_lists_columns_and_types(pg_tables: str) -> None:
    tables = describe_tables(pg_tables)
    assert ("hasPaidAccess", "boolean") in tables["User"]
    assert ("order", "text") in tables["user"]
    assert tables["billing.users"][0] == ("id", "integer")
    assert ("access_expires_at", "timestamp without time zone") in tables["billing.users"]


def test_importing_the_adapters_does_not_import_psycopg() -> None:
    code = (
        "import sys, prodcheck.sources.database, prodcheck.sources.postgres; "
        "assert 'psycopg' not in sys.modules, 'psycopg imported eagerly'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_statement_timeout_applies_and_says_what_to_raise(pg_tables: str) -> None:
    config = BILLING_USERS.config(where="pg_sleep(5) IS NOT NULL", statement_timeout_seconds=0.2)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"longer than database\.statement_timeout_seconds"):
        PostgresAccounts(config, env=env(pg_tables)).load()
    assert time.monotonic() - started < 3


def test_a_table_the_role_may_not_read_says_what_to_grant(readonly_role: str) -> None:
    with pytest.raises(SourceError, match="may not read User: permission denied") as caught:
        PostgresAccounts(PRISMA_USER.config(), env=env(readonly_role)).load()
    assert "GRANT" in str(caught.value)
