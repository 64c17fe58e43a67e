"""`prodcheck init` on the starter schemas the scenarios model (a Drizzle teams table
with a status column, a Prisma users row with a period end and a price id,
Ghost-style members with a joined customers table, a Supabase subscriptions
mirror, an app-side subscriptions table): each created in the real PostgreSQL
(and the Ghost one in SQLite), `init` proposes the mapping the scenario's
hand-written config holds, and the proposed config, with the scenario's plan
names filled in where billing cannot name them, finds exactly the scenario's
findings.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from prodcheck.cli import cli
from prodcheck.scenario import read_scenario
from prodcheck.testing import find_scenarios

from ..conftest import SCENARIOS
from ..db.conftest import pg_database
from .test_live_parity import _create_table, _load

INIT_SCENARIOS = [
    folder
    for folder in find_scenarios((SCENARIOS,))
    if folder.name.startswith(("schema-", "app-subscriptions-"))
    or folder.name == "webhooks-unprocessed-event-fail"  # the ledger of processed events
]


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """A database of the test's own: init reads every table it can see."""
    with pg_database("prodcheck_init") as url:
        yield url


def _invoke(args: list[str], env: dict[str, str]) -> Any:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def _init(folder: Path, url: str, tmp_path: Path) -> tuple[dict[str, Any], str]:
    out = tmp_path / "proposed.yml"
    result = _invoke(
        ["init", "--out", str(out), "--fixtures", str(folder)],
        {"DATABASE_URL": url, "STRIPE_API_KEY": ""},
    )
    assert result.exit_code == 0, result.output
    assert _invoke(["validate", "--config", str(out)], {}).exit_code == 0
    return yaml.safe_load(out.read_text()), out.read_text()


def _same(proposed: Any, expected: Any) -> bool:
    """A mapping value as the scenario writes it; grants compare as sets."""
    if isinstance(expected, dict) and isinstance(proposed, dict):
        if proposed.keys() != expected.keys():
            return False
        return all(
            set(proposed[k]) == set(v) if k == "grants" else _same(proposed[k], v)
            for k, v in expected.items()
        )
    return bool(proposed == expected)


def _review_grants(proposed: dict[str, Any], expected: dict[str, Any], text: str) -> None:
    """The one decision a schema cannot show: whether the app keeps access while a
    payment is retried. init proposes active and trialing and says so when it saw
    past_due; the reviewer adds it (as this scenario's app does)."""
    access, wanted = proposed.get("has_access"), expected.get("has_access")
    if not (isinstance(access, dict) and isinstance(wanted, dict) and "grants" in access):
        return
    if set(wanted["grants"]) - set(access["grants"]) == {"past_due"}:
        assert "add past_due to grants" in text
        access["grants"] = [*access["grants"], "past_due"]


def _findings(output: str) -> list[tuple[str, str, str]]:
    report = json.loads(output)
    return sorted((f["rule"], f["subject"]["id"], f["status"]) for f in report["findings"])


def _assert_proposes_and_checks(folder: Path, url: str, tmp_path: Path) -> None:
    proposed, text = _init(folder, url, tmp_path)
    expected = yaml.safe_load((folder / "prodcheck.yml").read_text())
    for name, table in expected["database"]["tables"].items():
        got = proposed["database"]["tables"][name]
        _review_grants(got["columns"], table["columns"], text)
        assert got["table"] == table["table"]
        assert got.get("subject") == table.get("subject", got.get("subject"))
        for field_name, column in table["columns"].items():
            assert _same(got["columns"].get(field_name), column), (name, field_name, got)
        assert got.get("joins") == table.get("joins"), name
    plans = expected.get("plans", {})
    assert proposed.get("plans", {}).get("stored_as", "plan") == plans.get("stored_as", "plan")
    rows = "".join(path.read_text() for path in (folder / "db").glob("*.json"))
    for value in plans.get("values", {}):  # plan-column values billing cannot name: listed
        if json.dumps(value) in rows:
            listed = proposed["plans"].get("values", {})
            assert f"{value}: PLAN" in text or value in listed

    # The plan names are the user's (init names billing's plans from its products).
    proposed["plans"] = plans
    proposed["billing"]["fixtures"] = str(folder)
    config = tmp_path / "checked.yml"
    config.write_text(yaml.safe_dump(proposed))
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    now = ["--now", scenario.now.isoformat(), "--format", "json"]
    live = _invoke(["check", "--config", str(config), *now], {"DATABASE_URL": url})
    fixture = _invoke(["check", "--fixtures", str(folder), *now], {})
    assert live.exit_code == fixture.exit_code, live.output
    assert _findings(live.output) == _findings(fixture.output)


@pytest.mark.parametrize("folder", INIT_SCENARIOS, ids=[p.name for p in INIT_SCENARIOS])
def test_init_proposes_a_working_config_on_postgres(
    folder: Path, fresh_database: str, tmp_path: Path
) -> None:
    for path in sorted((folder / "db").glob("*.json")):
        _create_table(fresh_database, path.stem, _load(path), "public")
    _assert_proposes_and_checks(folder, fresh_database, tmp_path)


def _sqlite_table(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    quoted = ", ".join(f'"{c}"' for c in columns)
    conn.execute(f'CREATE TABLE "{table}" ({quoted})')
    conn.executemany(
        f'INSERT INTO "{table}" VALUES ({", ".join("?" for _ in columns)})',
        [tuple(row.get(c) for c in columns) for row in rows],
    )


@pytest.mark.parametrize("name", ["schema-members-joined-fail", "schema-members-joined-pass"])
def test_init_proposes_the_ghost_schema_on_sqlite(name: str, tmp_path: Path) -> None:
    folder = SCENARIOS / name
    database = tmp_path / "ghost.db"
    with sqlite3.connect(database) as conn:
        for path in sorted((folder / "db").glob("*.json")):
            _sqlite_table(conn, path.stem, _load(path))
    _assert_proposes_and_checks(folder, f"sqlite:///{database}", tmp_path)
