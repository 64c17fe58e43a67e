"""Accounts spread over tables, joined by prodcheck itself (no view, no DDL): the same
findings from fixtures, a real SQLite file and a real PostgreSQL schema; doctor checks
the joined table; a key that matches several joined rows is chosen the same way
whatever order the database returns them, and said so."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

from prodcheck.config import load_config
from prodcheck.errors import ConfigError
from prodcheck.mapping import ColumnMapping, Join, TableConfig
from prodcheck.sources.joins import joined_rows
from prodcheck.tables import ACCOUNTS

from ..conftest import SCENARIOS
from .conftest import run

FOLDER = SCENARIOS / "schema-members-joined-fail"
NOW = "2026-11-01T12:00:00Z"
# Ghost's own types: 24-hex object ids, a text status, a separate customers table.
DDL = [
    "CREATE TABLE members (id varchar(24) PRIMARY KEY, uuid varchar(36), email varchar(191), "
    "name varchar(191), status varchar(50) NOT NULL DEFAULT 'free', created_at varchar(30))",
    "CREATE TABLE members_stripe_customers (id varchar(24) PRIMARY KEY, member_id varchar(24) "
    "NOT NULL REFERENCES members(id), customer_id varchar(255) NOT NULL, name varchar(191), "
    "email varchar(191), created_at varchar(30))",
]


def _rows(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((FOLDER / "db" / f"{name}.json").read_text())
    return rows


def _insert(execute: Any, name: str, marker: str) -> None:
    rows = _rows(name)
    columns = list(rows[0])
    values = ", ".join([marker] * len(columns))
    statement = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({values})"
    for row in rows:
        execute(statement, tuple(row[c] for c in columns))


def _live_config(tmp_path: Path) -> Path:
    data = yaml.safe_load((FOLDER / "prodcheck.yml").read_text())
    data["billing"] = {"provider": "stripe", "fixtures": str(FOLDER)}
    data["database"]["url_env"] = "APP_DB"
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _findings(output: str) -> list[tuple[str, str, str]]:
    report = json.loads(output)
    return [(f["rule"], f["subject"]["id"], f["fix"]) for f in report["findings"]]


def _check(run_cli, config: Path, env: dict[str, str]) -> list[tuple[str, str, str]]:
    result = run_cli("check", "--config", str(config), "--format", "json", "--now", NOW, env=env)
    assert result.exit_code == 1, result.output
    return _findings(result.stdout)


def _fixture(run_cli) -> list[tuple[str, str, str]]:
    result = run_cli("check", "--fixtures", str(FOLDER), "--format", "json")
    assert result.exit_code == 1
    return _findings(result.stdout)


def test_sqlite_joins_like_the_fixtures(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "ghost.db"
    with sqlite3.connect(path) as conn:
        for statement in DDL:
            conn.execute(statement)
        _insert(conn.execute, "members", "?")
        _insert(conn.execute, "members_stripe_customers", "?")
    conn.close()
    env = {"APP_DB": f"sqlite:///{path}"}
    expected = _fixture(run_cli)
    assert len(expected) == 2
    assert _check(run_cli, _live_config(tmp_path), env) == expected
    doctor = run_cli("doctor", "--config", str(_live_config(tmp_path)), env=env).output
    assert "join members_stripe_customers" in doctor and "on member_id = id" in doctor
    assert "column customer_id -> members_stripe_customers.customer_id" in doctor


def test_postgres_joins_like_the_fixtures(run_cli, pg_url: str, tmp_path: Path) -> None:
    import psycopg

    schema = "ghost_joins"
    run(pg_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}")
    url = f"{pg_url}?options=-csearch_path%3D{schema}"
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in DDL:
            conn.execute(statement)
        _insert(conn.execute, "members", "%s")
        _insert(conn.execute, "members_stripe_customers", "%s")
    try:
        env = {"APP_DB": url}
        assert _check(run_cli, _live_config(tmp_path), env) == _fixture(run_cli)
        doctor = run_cli("doctor", "--config", str(_live_config(tmp_path)), env=env).output
        assert "join members_stripe_customers" in doctor
        run(pg_url, f"ALTER TABLE {schema}.members_stripe_customers RENAME TO msc")
        missing = run_cli("doctor", "--config", str(_live_config(tmp_path)), env=env).output
        assert "join members_stripe_customers" in missing and "not found" in missing
    finally:
        run(pg_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _table() -> TableConfig:
    mapping = ColumnMapping(id="id", customer_id="links.cus", has_access="paid")
    return TableConfig(ACCOUNTS, "users", mapping, joins=(Join("links", (("user_id", "id"),)),))


def test_a_key_with_several_rows_is_chosen_by_value_and_noted() -> None:
    links = [
        {"user_id": 1, "cus": "cus_b"},
        {"user_id": "1", "cus": "cus_a"},  # a text key meets a bigint one
        {"user_id": 2, "cus": "cus_c"},
    ]
    for order in (links, links[::-1]):
        rows, notes = joined_rows(
            [{"id": "1", "paid": True}, {"id": 2, "paid": False}, {"id": 3, "paid": False}],
            _table(),
            lambda _, given=order: given,
        )
        merged = list(rows)
        assert [r["links.cus"] for r in merged] == ["cus_a", "cus_c", None]
        assert notes == [
            "join links: 1 key(s) match several rows; the first by value is used (narrow the "
            "join with its where)"
        ]


def _config(tmp_path: Path, joins: dict[str, Any], columns: dict[str, Any]) -> Path:
    data = {
        "version": 1,
        "billing": {"provider": "stripe", "fixtures": "."},
        "database": {
            "fixtures": ".",
            "tables": {
                "accounts": {
                    "table": "users",
                    "columns": {"id": "id", "has_access": "paid", **columns},
                    "joins": joins,
                }
            },
        },
    }
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("joins", "columns", "words"),
    [
        (
            {"links": {"on": {"user_id": "email"}}},
            {"customer_id": "links.cus"},
            ["joins.links.on.user_id", "email is not mapped under columns"],
        ),
        (
            {"links": {"on": {"user_id": "customer_id"}}},
            {"customer_id": "links.cus"},
            ["customer_id is itself read from a joined table"],
        ),
        (
            {"links": {"on": {"user_id": "ident"}}},
            {"customer_id": "links.cus"},
            ["joins.links.on.user_id", '"ident" is not allowed'],
        ),
    ],
)
def test_a_join_on_what_the_table_does_not_hold_is_an_error(
    tmp_path: Path, joins: dict[str, Any], columns: dict[str, Any], words: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_config(tmp_path, joins, columns))
    text = str(caught.value)
    assert "prodcheck.yml:" in text
    for word in words:
        assert word in text, text


def test_a_missing_joined_fixture_file_is_named(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    for name in ("stripe", "prodcheck.yml", "scenario.yml"):
        source = FOLDER / name
        target = folder / name
        if source.is_dir():
            target.mkdir()
            for file in source.iterdir():
                (target / file.name).write_bytes(file.read_bytes())
        else:
            target.write_bytes(source.read_bytes())
    (folder / "db").mkdir()
    (folder / "db" / "members.json").write_text(json.dumps(_rows("members")))
    result = run_cli("check", "--fixtures", str(folder))
    assert result.exit_code == 2
    assert "members_stripe_customers.json: fixture file not found" in result.output
