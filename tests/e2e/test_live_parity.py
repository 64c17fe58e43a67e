"""Live mode and fixture mode agree: every scenario served by the local fake Stripe
or Paddle API (through the real SDKs) and a real PostgreSQL table gives the same
findings as the fixture folder; `snapshot` then `check --fixtures` reproduces them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from prodcheck.cli import cli
from prodcheck.scenario import read_scenario
from prodcheck.snapshot import pseudonym
from prodcheck.testing import find_scenarios

from ..conftest import SCENARIOS
from ..db.conftest import connect
from ..live.scenario_server import serve

LIVE_SCENARIOS = [
    folder
    for folder in find_scenarios((SCENARIOS,))
    if (folder / "stripe").is_dir() or (folder / "paddle").is_dir()
]


def _load(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text()) if path.is_file() else []


def _column_type(name: str, values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "bigint"
    if name.endswith(("_at", "_until", "_period_end")):
        return "timestamptz"
    return "text"


def mapped_columns(folder: Path, table: str) -> list[str]:
    """The columns a scenario's config maps in a table: what a table whose fixture
    holds no row (so no key to take them from) is created with."""
    database = yaml.safe_load((folder / "prodcheck.yml").read_text())["database"]
    tables = database.get("tables", {"accounts": database})
    return [
        column
        for config in tables.values()
        if config["table"] == table
        for column in config["columns"].values()
        if isinstance(column, str)
    ]


def _create_table(
    url: str, table: str, rows: list[dict[str, Any]], schema: str, empty: Sequence[str] = ()
) -> None:
    """The table, of the rows' keys (`empty`'s columns when there is no row)."""
    from psycopg import sql

    columns = list(dict.fromkeys(k for row in rows for k in row)) or list(empty)
    types = {c: _column_type(c, [row.get(c) for row in rows]) for c in columns}
    with connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        conn.execute(
            sql.SQL("CREATE TABLE {} ({})").format(
                sql.Identifier(schema, table),
                sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(types[c])) for c in columns
                ),
            )
        )
        insert = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(schema, table),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        )
        with conn.cursor() as cursor:
            cursor.executemany(insert, [tuple(row.get(c) for c in columns) for row in rows])


def _findings(output: str) -> list[tuple[str, str, str, str]]:
    report = json.loads(output)
    return [(f["rule"], f["subject"]["id"], f["message"], f["status"]) for f in report["findings"]]


def _kinds(output: str) -> list[str]:
    return [f["subject"]["kind"] for f in json.loads(output)["findings"]]


def _invoke(args: list[str], env: dict[str, str]):
    from click.testing import CliRunner

    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


@pytest.mark.parametrize("folder", LIVE_SCENARIOS, ids=[p.name for p in LIVE_SCENARIOS])
def test_live_matches_fixtures(folder: Path, pg_url: str, tmp_path: Path) -> None:
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    now = scenario.now.isoformat()
    config = yaml.safe_load((folder / "prodcheck.yml").read_text())
    accounts = (
        config["database"]["tables"]["accounts"]
        if "tables" in config["database"]
        else (config["database"])
    )
    schema = "s_" + folder.name.replace("-", "_")
    for path in sorted((folder / "db").glob("*.json")):  # the accounts table and its joins
        _create_table(pg_url, path.stem, _load(path), schema, mapped_columns(folder, path.stem))
    server, key = serve(folder)
    config["billing"].update(api_key_env="PC_BILLING_KEY", api_base=None)
    if config["billing"]["provider"] == "paddle":
        config["billing"]["environment"] = "sandbox"  # the test key is a sandbox key
    config["database"]["url_env"] = "PC_DATABASE_URL"
    database_url = pg_url
    # Joined tables, and messages naming the app's subscriptions table when access comes
    # from it, by their bare names: the schema goes first in the search path.
    access = accounts["columns"].get("has_access")
    effects = (config.get("webhooks") or {}).get("effects")  # messages name their tables
    credits = {"credit_balances", "credit_ledger"} & set(config["database"].get("tables", {}))
    named = effects or credits  # so do the credit rules'
    if accounts.get("joins") or (isinstance(access, dict) and "from" in access) or named:
        database_url = f"{pg_url}?options=-csearch_path%3D{schema}"
    else:
        for other in config["database"].get("tables", {"accounts": accounts}).values():
            other["table"] = f"{schema}.{other['table']}"
    with server:
        config["billing"]["api_base"] = server.url
        live_config = tmp_path / "prodcheck.yml"
        live_config.write_text(yaml.safe_dump(config))
        env = {"PC_BILLING_KEY": key, "PC_DATABASE_URL": database_url}
        live = _invoke(
            ["check", "--config", str(live_config), "--format", "json", "--now", now, "--quiet"],
            env,
        )
        out = tmp_path / "snap"
        recorded = _invoke(
            ["snapshot", "--config", str(live_config), "--out", str(out), "--now", now, "--quiet"],
            env,
        )
    fixture = _invoke(["check", "--fixtures", str(folder), "--format", "json", "--now", now], {})
    assert live.exit_code == fixture.exit_code, live.output
    assert _findings(live.output) == _findings(fixture.output)
    assert key not in live.output

    assert recorded.exit_code == 0, recorded.output
    # The snapshot records what the live run found; `test` replays the recorded
    # fixtures and holds them to exactly that (verdict, rule and subject of each
    # finding). Emails are pseudonymized in the snapshot, and person subjects are
    # keyed by email.
    expected = yaml.safe_load((out / "scenario.yml").read_text())["expect"]
    assert expected["verdict"] == json.loads(live.output)["verdict"]
    live_ids = sorted(
        (r, f"{kind}:{pseudonym('email', s) if '@' in s else s}")
        for (r, s, _, _), kind in zip(_findings(live.output), _kinds(live.output), strict=True)
    )
    assert sorted((f["rule"], f["subject"]) for f in expected["findings"]) == live_ids
    replay = _invoke(["test", str(out)], {})
    assert replay.exit_code == 0, replay.output
    provider = "paddle" if (folder / "paddle").is_dir() else "stripe"
    customers = (out / provider / "customers.json").read_text()
    assert "@example.invalid" in customers or '"email": null' in customers or customers == "[]\n"
