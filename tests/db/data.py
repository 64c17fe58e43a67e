"""Accounts tables with awkward names, as rows keyed by real column names.

The same rows go into PostgreSQL, into SQLite and into a fixture folder
(db/<table>.json), so each live adapter can be compared with the fixture one.
Values are JSON-friendly: timestamps as ISO 8601 text, which both databases
cast on insert and the fixture adapter parses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodcheck.config import ColumnMapping, DatabaseConfig

URL_ENV = "PRODCHECK_TEST_DATABASE_URL"


@dataclass(frozen=True)
class Table:
    name: str  # as database.table says it
    postgres_ddl: str
    sqlite_ddl: str
    columns: ColumnMapping
    rows: tuple[dict[str, Any], ...]

    def config(self, **overrides: Any) -> DatabaseConfig:
        return DatabaseConfig(
            **{"table": self.name, "columns": self.columns, "url_env": URL_ENV, **overrides}
        )

    def write_fixture(self, folder: Path, config: DatabaseConfig) -> Path:
        """The rows as the fixture adapter reads them for `config.table`."""
        (folder / "db").mkdir(parents=True, exist_ok=True)
        path = folder / "db" / f"{config.table}.json"
        path.write_text(json.dumps(list(self.rows)), encoding="utf-8")
        return folder


BILLING_USERS = Table(
    name="billing.users",
    postgres_ddl="""
        CREATE SCHEMA billing;
        CREATE TABLE billing.users (
            id integer PRIMARY KEY, stripe_customer_id text, has_access boolean,
            plan text, email text, deleted_at timestamptz, access_expires_at timestamp,
            comped boolean, updated_at timestamptz)""",
    sqlite_ddl="""
        CREATE TABLE users (
            id INTEGER PRIMARY KEY, stripe_customer_id TEXT, has_access BOOLEAN,
            plan TEXT, email TEXT, deleted_at TIMESTAMP, access_expires_at TIMESTAMP,
            comped BOOLEAN, updated_at TIMESTAMP)""",
    columns=ColumnMapping(
        id="id",
        customer_id="stripe_customer_id",
        has_access="has_access",
        plan="plan",
        email="email",
        deleted_at="deleted_at",
        access_expires_at="access_expires_at",
        comped="comped",
        updated_at="updated_at",
    ),
    rows=(
        {"id": 1, "stripe_customer_id": "cus_A", "has_access": True, "plan": "pro",
         "email": "a@example.com", "deleted_at": None, "access_expires_at": "2025-01-31T00:00:00",
         "comped": False, "updated_at": "2025-01-01T12:00:00+00:00"},
        {"id": 2, "stripe_customer_id": None, "has_access": False, "plan": None,
         "email": None, "deleted_at": "2024-06-01T08:30:00+02:00", "access_expires_at": None,
         "comped": True, "updated_at": None},
        {"id": 3, "stripe_customer_id": "cus_C", "has_access": None, "plan": "free",
         "email": "c@example.com", "deleted_at": None, "access_expires_at": None,
         "comped": None, "updated_at": "2024-12-31T23:59:59.123456+00:00"},
        {"id": 4, "stripe_customer_id": "", "has_access": True, "plan": "team",
         "email": "", "deleted_at": None, "access_expires_at": "2026-02-28T10:00:00",
         "comped": False, "updated_at": "2025-03-01T00:00:00-05:00"},
        {"id": 5, "stripe_customer_id": "cus_E", "has_access": False, "plan": "pro",
         "email": "e@example.com", "deleted_at": "2025-02-01T00:00:00+00:00",
         "access_expires_at": None, "comped": False, "updated_at": None},
    ),
)  # fmt: skip

# What Prisma creates for `model User { stripeCustomerId String? hasPaidAccess Boolean }`.
PRISMA_USER = Table(
    name="User",
    postgres_ddl="""
        CREATE TABLE "User" (
            id text PRIMARY KEY, "stripeCustomerId" text, "hasPaidAccess" boolean NOT NULL,
            "order" text, "updatedAt" timestamp(3))""",
    sqlite_ddl="""
        CREATE TABLE "User" (
            id TEXT PRIMARY KEY, "stripeCustomerId" TEXT, "hasPaidAccess" BOOLEAN NOT NULL,
            "order" TEXT, "updatedAt" DATETIME)""",
    columns=ColumnMapping(
        id="id",
        customer_id="stripeCustomerId",
        has_access="hasPaidAccess",
        plan="order",
        updated_at="updatedAt",
    ),
    rows=(
        {"id": "clx1", "stripeCustomerId": "cus_P1", "hasPaidAccess": True, "order": "pro",
         "updatedAt": "2025-01-02T03:04:05.678"},
        {"id": "clx2", "stripeCustomerId": None, "hasPaidAccess": False, "order": None,
         "updatedAt": None},
        {"id": "clx3", "stripeCustomerId": "cus_P3", "hasPaidAccess": False, "order": "team",
         "updatedAt": "2024-07-01T00:00:00"},
    ),
)  # fmt: skip

# A table named with a reserved word, and columns named with reserved words.
RESERVED_USER = Table(
    name="user",
    postgres_ddl="""
        CREATE TABLE "user" (
            id bigint PRIMARY KEY, "select" text, "user" boolean, "order" text, "from" date)""",
    # SQLite names ignore case, so "user" would clash with "User": use another reserved word.
    sqlite_ddl="""
        CREATE TABLE "order" (
            id INTEGER PRIMARY KEY, "select" TEXT, "user" BOOLEAN, "order" TEXT, "from" DATE)""",
    columns=ColumnMapping(
        id="id", customer_id="select", has_access="user", plan="order", deleted_at="from"
    ),
    rows=(
        {"id": 10, "select": "cus_R10", "user": True, "order": "pro", "from": None},
        {"id": 11, "select": "cus_R11", "user": False, "order": "free", "from": "2024-05-05"},
        {"id": 12, "select": None, "user": True, "order": None, "from": None},
    ),
)  # fmt: skip

TABLES = (BILLING_USERS, PRISMA_USER, RESERVED_USER)


def insert_sql(table: Table, name: str | None = None) -> str:
    """INSERT with %s (psycopg) placeholders; the caller swaps in ? for sqlite3."""
    target = ".".join(f'"{part}"' for part in (name or table.name).split("."))
    columns = ", ".join(f'"{c}"' for c in table.rows[0])
    values = ", ".join("%s" for _ in table.rows[0])
    return f"INSERT INTO {target} ({columns}) VALUES ({values})"


def sorted_accounts(state: Any) -> list[Any]:
    return sorted(state.accounts, key=lambda account: account.id)
