"""A real PostgreSQL accounts table with billing from fixtures: the table is copied
into DuckDB (sources/postgres_copy.py) and stays there beside billing's tables,
and the report is the fixture folder's, finding for finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from prodcheck.config import load_config
from prodcheck.engine.duck import connect as duck_connect
from prodcheck.runner import load_checked_rules, load_snapshot
from prodcheck.scenario import read_scenario
from prodcheck.sources.postgres import PostgresAccounts
from prodcheck.sources.rows import typed_rows

from ..conftest import SCENARIOS
from .test_live_parity import _create_table, _findings, _invoke, _load

NAMES = (
    "demo", "audit-8200", "mixed-saas", "settle-window", "settle-window-elapsed",
    "comped-accounts", "app-subscriptions-fail", "identity-email-mismatch-fail",
    "identity-duplicate-customer-fail", "lifecycle-deleted-account-billed-fail",
    "lifecycle-stale-period-end-fail", "plan-mismatch-fail", "schema-cashier-fail",
    "schema-period-end-fail", "schema-prisma-team-fail", "schema-supabase-fail",
    "schema-teams-status-fail", "schema-members-joined-fail", "optional-columns-unmapped",
    "trial-repeat-trial-fail",
)  # fmt: skip


def fixture_billing_config(folder: Path, tmp_path: Path) -> Path:
    """The scenario's config with billing from its fixture files and the database from
    the URL in PC_DATABASE_URL, written into tmp_path."""
    config = yaml.safe_load((folder / "prodcheck.yml").read_text())
    config["billing"]["fixtures"] = str(folder)
    config["database"]["url_env"] = "PC_DATABASE_URL"
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.mark.parametrize("name", NAMES)
def test_postgres_accounts_with_fixture_billing_match_the_fixtures(
    name: str, pg_url: str, tmp_path: Path
) -> None:
    folder = SCENARIOS / name
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    schema = "f_" + name.replace("-", "_")
    for path in sorted((folder / "db").glob("*.json")):
        _create_table(pg_url, path.stem, _load(path), schema)
    url = f"{pg_url}?options=-csearch_path%3D{schema}"
    path = fixture_billing_config(folder, tmp_path)
    env = {"PC_DATABASE_URL": url}
    now = scenario.now.isoformat()
    mixed = _invoke(["check", "--config", str(path), "--format", "json", "--now", now], env)
    fixture = _invoke(["check", "--fixtures", str(folder), "--format", "json", "--now", now], {})
    assert mixed.exit_code == fixture.exit_code, mixed.output
    assert _findings(mixed.output) == _findings(fixture.output)
    sources = {s["side"]: s["kind"] for s in json.loads(mixed.output)["sources"]}
    assert sources["database"] == "postgres"

    loaded = load_config(path)
    snapshot = load_snapshot(loaded, load_checked_rules(loaded), None, env, True, scenario.now)
    # The table stays in DuckDB, joined tables and all.
    assert snapshot.accounts_in_db
    # The app's other tables are copied too, typed as psycopg's rows are.
    source = PostgresAccounts(loaded.database, env=env)
    for other, table in loaded.database.others.items():
        rows = source.read_table_by_sql(duck_connect(), other)
        assert rows is not None, f"{other} left to psycopg"
        assert rows == typed_rows(source.read_table(other), table.columns, table.table)
    snapshot.billing_db.close()
