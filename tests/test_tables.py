"""The accounts table is declared once (prodcheck/tables.py) and everything that
names its fields derives from that declaration."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from prodcheck.config import ColumnMapping
from prodcheck.config_schema import config_schema
from prodcheck.engine.contracts import contract_schema
from prodcheck.model import Account
from prodcheck.scaffold.propose import CANDIDATES, propose_columns
from prodcheck.scaffold.render import DEFAULT_COLUMNS, OPTIONAL
from prodcheck.sources.column_checks import ACCEPTED_KINDS
from prodcheck.sources.rows import typed_row
from prodcheck.tables import ACCOUNTS, TABLES, FieldType

PACKAGE = Path(__file__).resolve().parent.parent / "prodcheck"


def test_config_schema_columns_come_from_the_spec() -> None:
    columns = config_schema()["properties"]["database"]["properties"]["columns"]
    assert list(columns["properties"]) == list(ACCOUNTS.names)
    assert columns["required"] == list(ACCOUNTS.required) == ["id", "customer_id", "has_access"]
    assert columns["additionalProperties"] is False


def test_contract_requires_values_come_from_the_spec() -> None:
    requires = contract_schema()["$defs"]["rule"]["properties"]["requires"]
    assert requires["items"]["enum"] == list(ACCOUNTS.optional)


def test_doctor_init_and_model_agree_with_the_spec() -> None:
    assert list(ACCEPTED_KINDS) == list(ACCOUNTS.names)
    assert ACCEPTED_KINDS["has_access"] == {"boolean": "", "integer": "read as 0/1"}
    for guesses in CANDIDATES.values():
        assert list(guesses) == list(ACCOUNTS.names)
        assert all(guesses.values()), "init needs a guess for every field"
    assert list(DEFAULT_COLUMNS) == list(ACCOUNTS.required)
    assert list(OPTIONAL) == list(ACCOUNTS.optional) and all(OPTIONAL.values())
    # The engine's typed record holds the declared fields it reads by name, in the
    # spec's order; any other declared field travels in `extra`.
    attributes = [f.name for f in dataclasses.fields(Account) if f.name != "extra"]
    assert attributes == [name for name in ACCOUNTS.names if name in attributes]
    assert set(attributes) <= set(ACCOUNTS.names)
    assert TABLES["accounts"] is ACCOUNTS
    assert set(TABLES) == {
        "accounts",
        "app_subscriptions",
        "processed_events",
        "credit_balances",
        "credit_ledger",
    }


def test_no_other_module_restates_the_optional_columns() -> None:
    """Quoted field names of the accounts table appear only in its declaration, in the
    fact declarations that name the column a fact needs, and where those facts are
    computed from an account (in Python, and as columns for the SQL engine), or written
    back to one by a repair (engine/repairs.py: the field each action sets)."""
    allowed = {
        "tables.py", "catalogue.py", "account_facts.py", "sql_load.py", "sql_accounts.py",
        "repairs.py",
    }  # fmt: skip
    # `plan` and `email` are also keys of Stripe and Paddle objects, `label` a key of the
    # JSON report's subject: not distinctive.
    distinctive = [name for name in ACCOUNTS.optional if name not in ("plan", "email", "label")]
    assert len(distinctive) >= 4
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [
            f"{path.name}: {name}"
            for name in distinctive
            if f'"{name}"' in text and path.name not in PROVIDER_KEYS.get(name, ())
        ]
    assert not offenders


# Keys of the providers' own objects that are also field names of the accounts table:
# where a normalizer reads them they are the provider's.
PROVIDER_KEYS = {"subscription_id": ("paddle_normalize.py",)}  # a Paddle transaction's


def test_column_mapping_is_generic_over_the_spec() -> None:
    mapping = ColumnMapping("uid", "cus", "paid", plan="tier", email=None)
    assert mapping.items() == (
        ("id", "uid"),
        ("customer_id", "cus"),
        ("has_access", "paid"),
        ("plan", "tier"),
    )
    assert mapping.id == "uid" and mapping.get("email") is None
    assert mapping.mapped_optional == frozenset({"plan"})
    assert mapping.replace(plan=None).mapped_optional == frozenset()
    assert mapping == ColumnMapping(id="uid", customer_id="cus", has_access="paid", plan="tier")
    with pytest.raises(TypeError, match="no field 'shoe_size'"):
        ColumnMapping("uid", "cus", "paid", shoe_size="x")
    with pytest.raises(TypeError, match="required field"):
        ColumnMapping(id="uid")


def test_rows_are_read_by_field_type() -> None:
    mapping = ColumnMapping("uid", "cus", "paid", comped="c", updated_at="u", plan="p")
    row = {"uid": 7, "cus": "cus_1", "paid": "t", "c": None, "u": "2026-01-02T03:04:05Z", "p": 3}
    values = typed_row(row, mapping)
    assert values["id"] == "7" and values["has_access"] is True and values["comped"] is False
    assert values["updated_at"].isoformat() == "2026-01-02T03:04:05+00:00"
    assert values["plan"] == "3" and values["email"] is None
    kinds = {spec.type for table in TABLES.values() for spec in table.fields}
    assert kinds == set(FieldType)
    app = ColumnMapping(spec=TABLES["app_subscriptions"], id="sid", quantity="q")
    assert typed_row({"sid": "sub_1", "q": "5"}, app)["quantity"] == 5


def test_init_guesses_use_the_declared_names() -> None:
    columns = [("id", "uuid"), ("stripe_customer_id", "text"), ("is_paid", "boolean"),
               ("paid_until", "timestamptz"), ("is_comped", "boolean")]  # fmt: skip
    from prodcheck.model import Provider

    assert propose_columns(columns, Provider.STRIPE, "users") == {
        "customer_id": "stripe_customer_id",
        "id": "id",
        "has_access": "is_paid",
        "access_expires_at": "paid_until",
        "comped": "is_comped",
    }


def test_every_backend_reads_a_declared_table_through_one_generic_reader(tmp_path: Path) -> None:
    """Fixture files, SQLite and PostgreSQL each expose one reader taking a TableConfig
    (the spec, the real table, the mapping, the filter); the accounts sources use it."""
    import json
    import sqlite3

    from prodcheck.config import DatabaseConfig, TableConfig
    from prodcheck.sources import fixtures, sqlite

    config = DatabaseConfig(table="app_users", columns=ColumnMapping("uid", "cus", "paid"))
    table = config.tables["accounts"]
    assert isinstance(table, TableConfig) and table.spec is ACCOUNTS
    assert table.table == "app_users" and table.key == "database"
    rows = [{"uid": "b", "cus": "c2", "paid": 0}, {"uid": "a", "cus": "c1", "paid": 1}]
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "app_users.json").write_text(json.dumps(rows))
    assert fixtures.read_rows(fixtures.table_file(tmp_path, table)) == rows
    with sqlite3.connect(tmp_path / "app.db") as conn:
        conn.execute("CREATE TABLE app_users (uid text, cus text, paid integer)")
        conn.executemany("INSERT INTO app_users VALUES (:uid, :cus, :paid)", rows)
    with sqlite3.connect(tmp_path / "app.db") as conn:
        read = list(sqlite.read_table(conn, table, 5.0, "app.db"))
    assert [r["uid"] for r in read] == ["a", "b"]  # ordered by the first declared field
    # postgres.read_table is what PostgresAccounts reads through: tests/db/test_postgres.py.
