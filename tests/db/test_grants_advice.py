"""`doctor`'s advice for a role that can write, followed to the letter: the
statements it prints create a role that can read every table the config reads
(here the accounts and both credit tables, in two schemas) and write none, so
`doctor` then passes and `check` reads them all."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from psycopg import sql

from prodcheck.config import load_config
from prodcheck.sources.postgres_doctor import probe

from ..conftest import SCENARIOS
from ..e2e.test_live_parity import _create_table, _load, mapped_columns
from .conftest import connect, pg_database, url_for

FOLDER = SCENARIOS / "credits-fail"


@pytest.fixture
def app_database() -> Iterator[str]:
    """The scenario's tables: users in schema app, the credit tables in schema credits."""
    with pg_database("prodcheck_grants") as url:
        for path in sorted((FOLDER / "db").glob("*.json")):
            schema = "app" if path.stem == "users" else "credits"
            _create_table(url, path.stem, _load(path), schema, mapped_columns(FOLDER, path.stem))
        yield url


def _config(tmp_path: Path) -> Path:
    data = yaml.safe_load((FOLDER / "prodcheck.yml").read_text())
    data["billing"]["fixtures"] = str(FOLDER)
    tables = data["database"]["tables"]
    tables["accounts"]["table"] = "app.users"
    for name in ("credit_balances", "credit_ledger"):
        tables[name]["table"] = f"credits.{name}"
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_read_only_role_doctor_prints_reads_every_table(
    app_database: str, tmp_path: Path, run_cli
) -> None:
    config = load_config(_config(tmp_path))
    env = {"DATABASE_URL": app_database}
    advice = {c.name: c for c in probe(config.database, env)}["read-only role"]
    assert not advice.ok
    statements = advice.message.split(": ", 1)[1].split(" (a warning")[0]
    assert 'GRANT USAGE ON SCHEMA "app", "credits" TO prodcheck_ro' in statements
    assert '"credits"."credit_ledger"' in statements

    role, password = f"pc_ro_{secrets.token_hex(4)}", f"pw{secrets.token_hex(6)}"
    followed = statements.replace("prodcheck_ro", role).replace("<choose one>", password)
    database = app_database.rsplit("/", 1)[1]
    try:
        with connect(app_database, autocommit=True) as conn:
            for statement in filter(None, (s.strip() for s in followed.split(";"))):
                conn.execute(statement)  # type: ignore[arg-type]
        as_role = {"DATABASE_URL": url_for(database, user=role, password=password)}
        checks = probe(config.database, as_role)
        assert [c for c in checks if not c.ok] == []
        assert re.search(r"cannot write to .*credit_balances.*credit_ledger", str(checks))
        result = run_cli("check", "--config", str(tmp_path / "prodcheck.yml"), env=as_role)
        assert result.exit_code == 1, result.output  # the scenario's drift, every table read
        assert "credits.duplicate_grant" in result.output
    finally:
        with connect(app_database, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
