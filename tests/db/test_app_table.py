"""The app's own subscriptions table read from a real SQLite file: the same findings as
the fixtures, and doctor checks the table and its mapped columns."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import yaml

from ..conftest import SCENARIOS

FOLDER = SCENARIOS / "app-subscriptions-fail"
NOW = "2026-11-01T12:00:00Z"


def _database(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        for name in ("users", "subscriptions"):
            rows: list[dict[str, Any]] = json.loads((FOLDER / "db" / f"{name}.json").read_text())
            columns = list(dict.fromkeys(c for row in rows for c in row))
            conn.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
            marks = ", ".join("?" * len(columns))
            conn.executemany(
                f"INSERT INTO {name} VALUES ({marks})",
                [tuple(row.get(c) for c in columns) for row in rows],
            )
    conn.close()


def _config(tmp_path: Path, **app_columns: str) -> Path:
    data = yaml.safe_load((FOLDER / "prodcheck.yml").read_text())
    data["billing"] = {"provider": "stripe", "fixtures": str(FOLDER)}
    data["database"]["url_env"] = "APP_DB"
    data["database"]["tables"]["app_subscriptions"]["columns"].update(app_columns)
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _findings(output: str) -> list[tuple[str, str]]:
    return [(f["rule"], f["subject"]["id"]) for f in json.loads(output)["findings"]]


def test_sqlite_reads_the_app_table_like_the_fixtures(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    _database(path)
    env = {"APP_DB": f"sqlite:///{path}"}
    live = run_cli(
        "check", "--config", str(_config(tmp_path)), "--format", "json", "--now", NOW, env=env
    )
    fixture = run_cli("check", "--fixtures", str(FOLDER), "--format", "json")
    assert live.exit_code == fixture.exit_code == 1
    assert _findings(live.stdout) == _findings(fixture.stdout)
    assert len(_findings(live.stdout)) == 7

    doctor = run_cli("doctor", "--config", str(_config(tmp_path)), env=env).output
    assert "table subscriptions (database.tables.app_subscriptions)" in doctor
    assert "column app_subscriptions.period_end -> current_period_end" in doctor

    wrong = _config(tmp_path, quantity="seats")
    broken = run_cli("doctor", "--config", str(wrong), env=env)
    assert broken.exit_code == 2
    assert "column app_subscriptions.quantity -> seats" in broken.output
    assert "database.tables.app_subscriptions" in broken.output


def test_sqlite_app_table_rows_are_copied_as_sqlite3_reads_them(tmp_path: Path) -> None:
    from prodcheck.config import load_config
    from prodcheck.engine.duck import connect
    from prodcheck.sources.rows import typed_rows
    from prodcheck.sources.sqlite import SqliteAccounts

    path = tmp_path / "app.db"
    _database(path)
    config = load_config(_config(tmp_path)).database
    source = SqliteAccounts(config, env={"APP_DB": f"sqlite:///{path}"})
    table = config.tables["app_subscriptions"]
    copied = source.read_table_by_sql(connect(), "app_subscriptions")
    assert copied is not None
    assert copied == typed_rows(source.read_table("app_subscriptions"), table.columns, table.table)
