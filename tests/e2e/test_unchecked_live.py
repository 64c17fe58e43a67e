"""A read-only role that row-level security hides every row from, on the real
PostgreSQL: the table reads empty without an error. `check` ends in error (exit 2)
naming it, never a pass on billing alone; `doctor` warns. The owner, who sees the
rows, gets the scenario's findings from the same table."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from psycopg import sql

from ..conftest import SCENARIOS
from ..db.conftest import connect, url_for
from .test_live_parity import _create_table, _invoke, _load

FOLDER = SCENARIOS / "access-revenue-leak-fail"


def _config(tmp_path: Path, schema: str) -> Path:
    config = yaml.safe_load((FOLDER / "prodcheck.yml").read_text())
    config["billing"]["fixtures"] = str(FOLDER)
    config["database"]["url_env"] = "PC_DATABASE_URL"
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_rows_hidden_by_row_level_security_end_in_error(pg_url: str, tmp_path: Path) -> None:
    schema, role = f"rls_{secrets.token_hex(4)}", f"prodcheck_rls_{secrets.token_hex(4)}"
    database = urlsplit(pg_url).path.lstrip("/")
    _create_table(pg_url, "users", _load(FOLDER / "db/users.json"), schema)
    ident = sql.Identifier(role)
    with connect(pg_url, autocommit=True) as conn:
        # enabled, and no policy: every row is hidden from a role that does not own it
        conn.execute(
            sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(
                sql.Identifier(schema, "users")
            )
        )
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), ident)
        )
        conn.execute(
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), ident)
        )
        conn.execute(
            sql.SQL("GRANT SELECT ON {} TO {}").format(sql.Identifier(schema, "users"), ident)
        )
    try:
        path = _config(tmp_path, schema)
        options = f"?options=-csearch_path%3D{schema}"
        hidden = {"PC_DATABASE_URL": url_for(database, user=role) + options}
        args = ["check", "--config", str(path), "--format", "json", "--now", "2026-11-01T12:00:00Z"]
        result = _invoke(args, hidden)
        report = json.loads(result.output)
        assert result.exit_code == 2 and report["verdict"] == "error"
        assert report["errors"][0].startswith(
            "no row was read from the users table while billing holds 3 subscriptions"
        )
        doctor = _invoke(["doctor", "--config", str(path)], hidden)
        assert "0 to check: a check would compare nothing with billing" in doctor.output
        assert "row-level security hides them" in doctor.output

        owner = {"PC_DATABASE_URL": pg_url + options}
        result = _invoke(args, owner)
        report = json.loads(result.output)
        assert (result.exit_code, report["verdict"], report["errors"]) == (1, "fail", [])
        assert {f["subject"]["id"] for f in report["findings"]} == {"u_201", "u_202"}
    finally:
        with connect(pg_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
            conn.execute(sql.SQL("DROP OWNED BY {}").format(ident))
            conn.execute(sql.SQL("DROP ROLE {}").format(ident))
