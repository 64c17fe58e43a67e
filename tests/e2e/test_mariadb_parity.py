"""MariaDB gives what the fixtures give: every scenario's tables created in a real
MariaDB database of their own (booleans as tinyint(1), times as DATETIME, PascalCase
names kept), checked live against the scenario's billing objects, find the same
findings with the same messages as the fixture folder; and `init` proposes the
starter schemas' mappings from MariaDB as it does from PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from prodcheck.cli import cli
from prodcheck.config import load_config
from prodcheck.engine.duck import connect as duck_connect
from prodcheck.scenario import read_scenario
from prodcheck.sources.mysql import MysqlAccounts
from prodcheck.sources.rows import typed_rows
from prodcheck.testing import find_scenarios

from ..conftest import SCENARIOS
from ..db.conftest import mysql_connect, mysql_database, mysql_url_for
from .test_init_schemas import INIT_SCENARIOS, _assert_proposes_and_checks
from .test_live_parity import _load, mapped_columns
from .test_postgres_fixture_billing import fixture_billing_config

DB_SCENARIOS = [folder for folder in find_scenarios((SCENARIOS,)) if (folder / "db").is_dir()]
TIME_SUFFIXES = ("_at", "_until", "_period_end", "At", "PeriodEnd")


def _column_type(name: str, values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "BOOLEAN"  # tinyint(1)
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "BIGINT"
    if name.endswith(TIME_SUFFIXES) and all(isinstance(v, str) for v in present):
        return "DATETIME(6)"
    return "TEXT"


def _value(value: Any, column_type: str) -> Any:
    if value is None:
        return None
    if column_type == "DATETIME(6)":
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def create_table(
    database: str, table: str, rows: list[dict[str, Any]], empty: Sequence[str] = ()
) -> None:
    """The table, of the rows' keys (`empty`'s columns when there is no row)."""
    columns = list(dict.fromkeys(k for row in rows for k in row)) or list(empty)
    types = {c: _column_type(c, [row.get(c) for row in rows]) for c in columns}
    quoted = ", ".join(f"`{c}` {types[c]}" for c in columns) or "`id` TEXT"
    with mysql_connect(database) as conn, conn.cursor() as cursor:
        cursor.execute(f"CREATE TABLE `{table}` ({quoted}) CHARACTER SET utf8mb4")
        if rows:
            cursor.executemany(
                f"INSERT INTO `{table}` ({', '.join(f'`{c}`' for c in columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                [tuple(_value(row.get(c), types[c]) for c in columns) for row in rows],
            )


def _findings(output: str) -> list[tuple[str, str, str, str]]:
    report = json.loads(output)
    return [(f["rule"], f["subject"]["id"], f["message"], f["status"]) for f in report["findings"]]


def _invoke(args: list[str], env: dict[str, str]) -> Any:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


@pytest.mark.parametrize("folder", DB_SCENARIOS, ids=[p.name for p in DB_SCENARIOS])
def test_mariadb_matches_fixtures(folder: Path, tmp_path: Path) -> None:
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    now = ["--now", scenario.now.isoformat(), "--format", "json"]
    path = fixture_billing_config(folder, tmp_path)
    with mysql_database("prodcheck_parity") as database:
        for table in sorted((folder / "db").glob("*.json")):
            create_table(database, table.stem, _load(table), mapped_columns(folder, table.stem))
        env = {"PC_DATABASE_URL": mysql_url_for(database)}
        live = _invoke(["check", "--config", str(path), *now], env)
        # The rows the check copied into DuckDB are the ones PyMySQL reads.
        database_config = load_config(path).database
        source = MysqlAccounts(database_config, env=env)
        copied = source.load_by_sql(duck_connect())
        assert copied is not None, "a scenario's table left to PyMySQL"
        assert copied == source.load()
        for name, table in database_config.others.items():  # the app's other tables
            rows = source.read_table_by_sql(duck_connect(), name)
            assert rows is not None, f"{name} left to PyMySQL"
            assert rows == typed_rows(source.read_table(name), table.columns, table.table)
    fixture = _invoke(["check", "--fixtures", str(folder), *now], {})
    assert live.exit_code == fixture.exit_code, live.output
    assert _findings(live.output) == _findings(fixture.output)
    sources = {s["side"]: s["kind"] for s in json.loads(live.output)["sources"]}
    assert sources["database"] == "mysql"


@pytest.mark.parametrize("folder", INIT_SCENARIOS, ids=[p.name for p in INIT_SCENARIOS])
def test_init_proposes_a_working_config_on_mariadb(folder: Path, tmp_path: Path) -> None:
    with mysql_database("prodcheck_init") as database:
        for table in sorted((folder / "db").glob("*.json")):
            create_table(database, table.stem, _load(table))
        _assert_proposes_and_checks(folder, mysql_url_for(database), tmp_path)
