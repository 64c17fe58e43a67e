"""The engine's accounts-side tables computed by SQL from the typed rows
(sources/rows_sql.py, then engine/sql_accounts.py) equal the ones the Python
index defines (tests/billing_oracle.py), row by row: on every scenario whose accounts
SQL reads, and under policies that change what they hold (the settle window,
comped accounts, an expiry read with an allowance, non-ASCII emails)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from prodcheck.config import load_config
from prodcheck.engine.duck import connect
from prodcheck.engine.index import build_index
from prodcheck.engine.sql_accounts import register, statements
from prodcheck.runner import load_checked_rules
from prodcheck.scenario import read_scenario
from prodcheck.sources.fixtures import FixtureAccounts

from .billing_oracle import _accounts
from .conftest import SCENARIOS
from .python_readers import python_snapshot

duckdb = pytest.importorskip("duckdb")

FOLDERS = sorted(
    folder
    for folder in SCENARIOS.iterdir()
    if (folder / "scenario.yml").is_file() and (folder / "db").is_dir()
)


def _compare(folder: Path, policy: dict[str, Any] | None = None) -> None:
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    now = scenario.now
    config = load_config(folder / "prodcheck.yml")
    if policy:
        config = replace(config, policy=replace(config.policy, **policy))
    rules = load_checked_rules(config)
    snapshot = python_snapshot(config, rules, folder, now)
    index = build_index(snapshot, config, now)
    conn = connect()
    assert FixtureAccounts(folder, config.database).load_by_sql(conn) is not None
    register(conn, index, index.stored)
    for statement in statements(index):
        conn.execute(statement)
    conn.register("python_accounts", _accounts(index))
    for name in ("settle_accounts", "allowance"):
        ids = sorted(
            getattr(index, "settling_accounts" if name == "settle_accounts" else "within_allowance")
        )
        assert sorted(row[0] for row in conn.execute(f"SELECT id FROM {name}").fetchall()) == ids, (
            name
        )
    columns = [row[0] for row in conn.execute("DESCRIBE python_accounts").fetchall()]
    assert columns == [row[0] for row in conn.execute("DESCRIBE accounts").fetchall()]
    types = conn.execute("DESCRIBE python_accounts").fetchall()
    assert [row[1] for row in types] == [
        row[1] for row in conn.execute("DESCRIBE accounts").fetchall()
    ]
    selected = ", ".join(f'"{name}"' for name in columns)
    python = conn.execute(f"SELECT {selected} FROM python_accounts ORDER BY row").fetchall()
    sql = conn.execute(f"SELECT {selected} FROM accounts ORDER BY row").fetchall()
    assert sql == python
    conn.close()


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_accounts_tables_from_sql_equal_the_ones_from_python(folder: Path) -> None:
    _compare(folder)


@pytest.mark.parametrize(
    "policy",
    [{"settle_window_minutes": 0}, {"settle_window_minutes": 100_000}],
    ids=["no settle window", "a long settle window"],
)
def test_the_settle_window(policy: dict[str, Any]) -> None:
    _compare(SCENARIOS / "settle-window", policy)


def test_comped_accounts_and_odd_emails(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(SCENARIOS / "demo", folder)
    path = next((folder / "db").glob("*.json"))
    rows = json.loads(path.read_text())
    emails = ["İlkay@Example.com", "  MIXED@Case.COM ", "ǅemal@x.io", "straße@x.de", "", None]
    for row, email in zip(rows, emails, strict=False):
        row["email"] = email
    path.write_text(json.dumps(rows))
    config_path = folder / "prodcheck.yml"
    config = yaml.safe_load(config_path.read_text())
    config["database"]["columns"]["email"] = "email"
    config_path.write_text(yaml.safe_dump(config))
    comped = frozenset({rows[0]["id"], rows[2]["id"], "no-such-account"})
    _compare(folder, {"comped_accounts": comped})


def test_access_read_from_an_expiry_with_an_allowance(tmp_path: Path) -> None:
    """Expiry times around `now` and its allowance: granted, waiting, ended."""
    folder = tmp_path / "expiry"
    shutil.copytree(SCENARIOS / "demo", folder)
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    path = next((folder / "db").glob("*.json"))
    rows = json.loads(path.read_text())
    offsets = [-100, -49, -48, -47.5, -1, 0, 1, 1000, None]
    for number, row in enumerate(rows):
        hours = offsets[number % len(offsets)]
        moment = None if hours is None else scenario.now.timestamp() + hours * 3600
        row["paid_until"] = None if moment is None else int(moment)
    path.write_text(json.dumps(rows))
    config_path = folder / "prodcheck.yml"
    config = yaml.safe_load(config_path.read_text())
    config["database"]["columns"]["has_access"] = {
        "expires_at": "paid_until",
        "allowance_hours": 48,
    }
    config_path.write_text(yaml.safe_dump(config))
    _compare(folder)


ALL = sorted(f for f in SCENARIOS.iterdir() if (f / "prodcheck.yml").is_file())


@pytest.mark.parametrize("folder", ALL, ids=[f.name for f in ALL])
def test_stored_accounts_read_back_as_they_went_in(folder: Path) -> None:
    """account_store writes db_accounts as the SQL reader does (its columns, in
    order, of its types) and row_objects reads the Accounts back unchanged: every
    scenario's accounts, read by Python."""
    from prodcheck.account_store import store_accounts, typed_columns
    from prodcheck.row_objects import account_objects
    from prodcheck.sources.rows_sql import columns

    config = load_config(folder / "prodcheck.yml")
    mapping = config.database.columns
    assert typed_columns(mapping) == [(name, kind) for name, kind, _ in columns(mapping)[:-1]]
    accounts, _ = FixtureAccounts(folder, config.database).load()
    conn = connect()
    store_accounts(conn, accounts.accounts, mapping)
    assert tuple(account_objects(conn).values()) == accounts.accounts
    sql = connect()
    if FixtureAccounts(folder, config.database).load_by_sql(sql, objects=False) is not None:
        described = sql.execute("DESCRIBE db_accounts").fetchall()
        assert conn.execute("DESCRIBE db_accounts").fetchall() == described
    conn.close()
    sql.close()
