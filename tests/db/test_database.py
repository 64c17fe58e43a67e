"""The dispatcher and the helpers every backend shares (no server needed)."""

from __future__ import annotations

import pytest

from prodcheck.errors import ConfigError, CredentialError
from prodcheck.sources.column_checks import type_check
from prodcheck.sources.database import (
    close_matches,
    describe_tables,
    open_accounts_source,
    probe,
    redact_url,
    scrub,
    split_scheme,
    split_table,
)
from prodcheck.sources.mysql import MysqlAccounts
from prodcheck.sources.postgres import PostgresAccounts
from prodcheck.sources.sqlite import SqliteAccounts

from .data import BILLING_USERS, URL_ENV


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("postgres://u@h/db", PostgresAccounts),
        ("postgresql://u@h/db", PostgresAccounts),
        ("postgresql+psycopg://u@h/db", PostgresAccounts),
        ("POSTGRESQL+asyncpg://u@h/db", PostgresAccounts),
        ("sqlite:///app.db", SqliteAccounts),
        ("mysql://u@h/db", MysqlAccounts),
        ("mariadb://u@h/db", MysqlAccounts),
        ("mysql+pymysql://u@h/db", MysqlAccounts),
    ],
)
def test_dispatcher_picks_the_backend_from_the_scheme(url: str, kind: type) -> None:
    assert isinstance(open_accounts_source(BILLING_USERS.config(), {URL_ENV: url}), kind)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "oracle://u:pw@h/db",
            "unknown database URL scheme 'oracle://': use postgresql://, mysql://",
        ),
        ("mssql+pyodbc://u@h/db", "unknown database URL scheme 'mssql://'"),
        ("host=h dbname=db password=pw", "no scheme://"),
    ],
)
def test_dispatcher_refuses_other_urls_clearly(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        open_accounts_source(BILLING_USERS.config(), {URL_ENV: url})
    assert "pw" not in str(caught.value)


def test_missing_or_unnamed_url_variable() -> None:
    with pytest.raises(CredentialError, match=f"{URL_ENV} is not set"):
        open_accounts_source(BILLING_USERS.config(), {URL_ENV: "  "})
    with pytest.raises(ConfigError, match=r"database\.url_env is not set"):
        open_accounts_source(BILLING_USERS.config(url_env=None), {})
    [check] = probe(BILLING_USERS.config(), {URL_ENV: "oracle://h/db"})
    assert (check.ok, "unknown database URL scheme" in check.message) == (False, True)


def test_describe_tables_refuses_an_unsupported_url() -> None:
    with pytest.raises(ConfigError, match="unknown database URL scheme"):
        describe_tables("oracle://h/db")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://app:s3cr%40t@db:5432/x", "postgresql://app:***@db:5432/x"),
        ("postgresql://app@db/x", "postgresql://app@db/x"),
        (
            "postgresql://db/x?sslmode=require&password=s3cr",
            "postgresql://db/x?sslmode=require&password=***",
        ),
        ("postgresql://:onlypw@db/x", "postgresql://:***@db/x"),
    ],
)
def test_redact_url_hides_passwords(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_scrub_removes_raw_and_decoded_passwords() -> None:
    url = "postgresql://app:s3cr%40t@db/x"
    assert scrub("failed for s3cr@t and s3cr%40t", url) == "failed for *** and ***"


def test_split_scheme_and_table() -> None:
    assert split_scheme("postgresql+psycopg2://u@h/db") == ("postgresql", "postgresql://u@h/db")
    assert split_table("billing.users") == ("billing", "users")
    assert split_table("User") == ("User",)
    for bad in ("a.b.c", ".users", "billing."):
        with pytest.raises(ConfigError, match=r"schema\.table"):
            split_table(bad)


def test_close_matches_prefer_case_and_schema_differences() -> None:
    candidates = ["User", "billing.users", "accounts", "stripeCustomerId"]
    assert close_matches("user", candidates)[:2] == ["User", "billing.users"]
    assert close_matches("stripecustomerid", candidates) == ["stripeCustomerId"]
    assert close_matches("zzz", candidates) == []


@pytest.mark.parametrize(
    ("field", "kind", "ok"),
    [
        ("has_access", "boolean", True),
        ("has_access", "integer", True),
        ("has_access", "timestamp", False),
        ("deleted_at", "timestamp", True),
        ("deleted_at", "boolean", False),
        ("id", "uuid", True),
        ("customer_id", "numeric", False),
        ("plan", "enum", True),
        ("email", "untyped", True),
    ],
)
def test_type_check(field: str, kind: str, ok: bool) -> None:
    check = type_check(field, "col", kind, f"{kind} type")
    assert check.ok is ok
    assert check.name == f"column {field} -> col"
    assert ("expected" in check.message) is not ok
