"""Effect checks (webhooks.effects) against the real servers: the 3 checkout sessions of
50 that have no orders row, found in one query per check on PostgreSQL, MariaDB
and SQLite, as on fixtures; and still one query for 20,000 events."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from prodcheck.cli import cli
from prodcheck.sources import effects

from ..conftest import SCENARIOS
from ..db.conftest import mysql_database, mysql_url_for
from .test_live_parity import _create_table
from .test_mariadb_parity import create_table

FOLDER = SCENARIOS / "webhooks-effect-missing-fail"
NOW = "2026-11-01T12:00:00Z"


def _rows(folder: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((folder / "db" / f"{name}.json").read_text())


def _check(config: Path, env: dict[str, str]) -> tuple[int, list[tuple[str, str]], str]:
    result = CliRunner().invoke(
        cli,
        ["check", "--config", str(config), "--format", "json", "--now", NOW, "--quiet"],
        env=env,
        catch_exceptions=False,
    )
    report = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    found = [(f["rule"], f["subject"]["id"]) for f in report.get("findings", ())]
    return result.exit_code, found, result.output


def _fixture_findings(folder: Path) -> list[tuple[str, str]]:
    result = CliRunner().invoke(
        cli, ["check", "--fixtures", str(folder), "--format", "json", "--now", NOW]
    )
    return [(f["rule"], f["subject"]["id"]) for f in json.loads(result.output)["findings"]]


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many effect queries each backend ran."""
    counted: Counter[str] = Counter()
    for kind, query in list(effects.QUERIES.items()):

        def counting(conn: Any, check: Any, values: list[str], _q: Any = query, _k: str = kind):
            counted[_k] += 1
            return _q(conn, check, values)

        monkeypatch.setitem(effects.QUERIES, kind, counting)
    return counted


def _config(folder: Path, tmp_path: Path, schema: str | None = None) -> Path:
    config = yaml.safe_load((folder / "prodcheck.yml").read_text())
    config["billing"]["fixtures"] = str(folder)
    config["database"]["url_env"] = "PC_DATABASE_URL"
    if schema:
        config["database"]["table"] = f"{schema}.{config['database']['table']}"
        for effect in config["webhooks"]["effects"]:
            effect["table"] = f"{schema}.{effect['table']}"
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_postgres_finds_the_three_in_one_query(
    pg_url: str, tmp_path: Path, queries: Counter[str]
) -> None:
    schema = "s_effects_pg"
    for name in ("users", "orders"):
        _create_table(pg_url, name, _rows(FOLDER, name), schema)
    code, found, _ = _check(_config(FOLDER, tmp_path, schema), {"PC_DATABASE_URL": pg_url})
    assert code == 1
    assert found == _fixture_findings(FOLDER) and len(found) == 3
    assert queries == {"postgres": 1}


def test_mariadb_finds_the_three_in_one_query(tmp_path: Path, queries: Counter[str]) -> None:
    with mysql_database("prodcheck_effects") as database:
        for name in ("users", "orders"):
            create_table(database, name, _rows(FOLDER, name))
        env = {"PC_DATABASE_URL": mysql_url_for(database)}
        code, found, _ = _check(_config(FOLDER, tmp_path), env)
    assert code == 1
    assert found == _fixture_findings(FOLDER) and len(found) == 3
    assert queries == {"mysql": 1}


def _sqlite(path: Path, folder: Path) -> None:
    with sqlite3.connect(path) as conn:
        for name in ("users", "orders"):
            rows = _rows(folder, name)
            columns = list(rows[0])
            conn.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
            conn.executemany(
                f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})",
                [tuple(row[c] for c in columns) for row in rows],
            )


def test_sqlite_finds_the_three_in_one_query(tmp_path: Path, queries: Counter[str]) -> None:
    database = tmp_path / "app.db"
    _sqlite(database, FOLDER)
    code, found, _ = _check(_config(FOLDER, tmp_path), {"PC_DATABASE_URL": f"sqlite:///{database}"})
    assert code == 1
    assert found == _fixture_findings(FOLDER) and len(found) == 3
    assert queries == {"sqlite": 1}


def test_twenty_thousand_events_are_still_one_query(tmp_path: Path, queries: Counter[str]) -> None:
    """The fail scenario's sessions, each copied 400 times (new ids, same orders
    pattern): 20,000 events, 60 without an order, one query."""
    folder = tmp_path / "many"
    shutil.copytree(FOLDER, folder)
    events = json.loads((FOLDER / "stripe" / "events.json").read_text())
    orders = {row["stripe_session_id"] for row in _rows(FOLDER, "orders")}
    many, rows = [], []
    for copy in range(400):
        for event in events:
            session = event["data"]["object"]["id"]
            clone = json.loads(json.dumps(event))
            clone["id"] = f"{event['id']}x{copy}"
            clone["data"]["object"]["id"] = f"{session}x{copy}"
            many.append(clone)
            if session in orders:
                rows.append({"id": len(rows) + 1, "stripe_session_id": f"{session}x{copy}"})
    (folder / "stripe" / "events.json").write_text(json.dumps(many))
    database = tmp_path / "app.db"
    _sqlite(database, FOLDER)
    with sqlite3.connect(database) as conn:
        conn.execute("DELETE FROM orders")
        conn.executemany(
            "INSERT INTO orders (id, stripe_session_id) VALUES (?, ?)",
            [(row["id"], row["stripe_session_id"]) for row in rows],
        )
    code, found, report = _check(
        _config(folder, tmp_path), {"PC_DATABASE_URL": f"sqlite:///{database}"}
    )
    assert code == 1, report
    assert len(found) == 3 * 400 and {rule for rule, _ in found} == {"webhooks.effect_missing"}
    assert queries == {"sqlite": 1}


def test_a_table_the_database_lacks_names_the_check(pg_url: str, tmp_path: Path) -> None:
    schema = "s_effects_missing"
    _create_table(pg_url, "users", _rows(FOLDER, "users"), schema)
    code, _, output = _check(_config(FOLDER, tmp_path, schema), {"PC_DATABASE_URL": pg_url})
    assert code == 2
    assert "webhooks.effects[0]: cannot read orders.stripe_session_id" not in output
    assert "webhooks.effects[0]: cannot read s_effects_missing.orders.stripe_session_id" in output
    assert "Traceback" not in output
