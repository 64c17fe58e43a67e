"""Each side may be live or fixture on its own; an unreachable source is exit 2."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import yaml
from click.testing import CliRunner

from prodcheck.cli import cli

from ..conftest import DEMO
from ..live.conftest import STRIPE_KEY


def _findings(output: str) -> list[tuple[str, str]]:
    return [(f["rule"], f["subject"]["id"]) for f in json.loads(output)["findings"]]


def _sqlite_from_demo(path: Path) -> None:
    rows = json.loads((DEMO / "db" / "users.json").read_text())
    columns = list(rows[0])
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE users ({', '.join(columns)})")
        conn.executemany(
            f"INSERT INTO users VALUES ({', '.join('?' for _ in columns)})",
            [tuple(row[c] for c in columns) for row in rows],
        )


def test_live_sqlite_against_recorded_billing(tmp_path: Path) -> None:
    database = tmp_path / "app.db"
    _sqlite_from_demo(database)
    config = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    config["billing"]["fixtures"] = str(DEMO)
    config["database"]["url_env"] = "APP_DB"
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    runner = CliRunner()
    mixed = runner.invoke(
        cli,
        ["check", "--config", str(path), "--format", "json", "--now", "2026-11-01T12:00:00Z"],
        env={"APP_DB": f"sqlite:///{database}"},
    )
    fixture = runner.invoke(cli, ["check", "--fixtures", str(DEMO), "--format", "json"])
    assert mixed.exit_code == fixture.exit_code == 1
    assert _findings(mixed.output) == _findings(fixture.output)
    sources = {s["side"]: s["kind"] for s in json.loads(mixed.output)["sources"]}
    assert sources == {"billing": "fixture", "database": "sqlite"}


def test_unreachable_billing_api_is_exit_2_with_a_message(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    config["billing"].update(api_key_env="PC_KEY", api_base=f"http://127.0.0.1:{port}")
    config["database"]["fixtures"] = str(DEMO)
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli,
        ["check", "--config", str(path), "--quiet", "--format", "json", "--output", str(out)],
        env={"PC_KEY": STRIPE_KEY},
    )
    assert result.exit_code == 2
    assert "prodcheck: error:" in result.output
    assert f"127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output and STRIPE_KEY not in result.output
    assert json.loads(out.read_text())["verdict"] == "error"


def test_where_filter_is_noted_for_whole_table_rules(tmp_path: Path) -> None:
    database = tmp_path / "app.db"
    _sqlite_from_demo(database)
    config = yaml.safe_load((DEMO / "prodcheck.yml").read_text())
    config["billing"]["fixtures"] = str(DEMO)
    config["database"].update(url_env="APP_DB", where="id <> 'u_1001'")
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    result = CliRunner().invoke(
        cli,
        ["check", "--config", str(path), "--format", "json"],
        env={"APP_DB": f"sqlite:///{database}"},
    )
    report = json.loads(result.output)
    assert any("identity.duplicate_customer only sees" in note for note in report["notes"])
    assert report["sources"][1]["counts"]["accounts"] == 10
