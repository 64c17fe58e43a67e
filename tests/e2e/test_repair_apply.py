"""A repair plan applied to a real PostgreSQL copy of a scenario's database fixes what
it says it fixes: check (FAIL), `prodcheck repair`, run repair.sql as written, check
again: every finding with a database repair is gone, nothing new appears, and a
scenario whose findings all had one passes. Run twice, the plan's guards refuse
(the rows no longer hold what the check read) and change nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from prodcheck.scenario import read_scenario

from ..conftest import SCENARIOS
from ..db.conftest import connect
from .test_live_parity import _create_table, _invoke, _load
from .test_postgres_fixture_billing import fixture_billing_config

# Access as a boolean, a status column, an expiry (ISO and epoch milliseconds), rows of
# the app's subscriptions table, joined columns; plans, period ends, subscription ids,
# the app's own copy of subscriptions; Stripe and Paddle.
NAMES = (
    "demo", "audit-8200", "mixed-saas", "schema-teams-status-fail", "schema-period-end-fail",
    "schema-epoch-ms-fail", "schema-supabase-fail", "schema-cashier-fail",
    "schema-prisma-team-fail", "schema-members-joined-fail", "app-subscriptions-fail",
    "webhooks-stale-overwrite-fail", "identity-stale-subscription-id-fail",
    "lifecycle-stale-period-end-fail", "lifecycle-expired-still-active-fail",
    "access-revoked-in-grace-fail", "plan-overprovisioned-fail", "paddle-fail",
)  # fmt: skip
# Those whose every finding has a database repair: FAIL (or WARN) turns into PASS.
PASSING_AFTER = {
    "audit-8200", "schema-teams-status-fail", "schema-period-end-fail", "schema-epoch-ms-fail",
    "schema-members-joined-fail", "webhooks-stale-overwrite-fail",
    "identity-stale-subscription-id-fail", "lifecycle-stale-period-end-fail",
    "lifecycle-expired-still-active-fail", "access-revoked-in-grace-fail",
    "plan-overprovisioned-fail", "paddle-fail",
}  # fmt: skip


def _check(config: Path, env: dict[str, str], now: str, output: Path) -> tuple[int, list[dict]]:
    args = ["check", "--config", str(config), "--format", "json", "--now", now]
    result = _invoke([*args, "--output", str(output)], env)
    return result.exit_code, json.loads(output.read_text())["findings"]


def _apply(url: str, script: str) -> None:
    with connect(url, autocommit=True) as conn:
        conn.execute(script)


def _table_rows(url: str, schema: str) -> dict[str, Any]:
    from psycopg import sql

    with connect(url) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
        ]
        return {
            name: sorted(
                map(repr, conn.execute(sql.SQL("SELECT * FROM {}").format(
                    sql.Identifier(schema, name)
                )))
            )
            for name in sorted(names)
        }  # fmt: skip


@dataclass(frozen=True)
class Round:
    """One scenario checked, repaired, its plan applied and checked again."""

    before: list[dict]
    after: list[dict]
    codes: tuple[int, int]  # check's exit code before and after
    repaired: set[str]  # the fingerprints with a database repair
    plan: Path
    script: str


def _repair_round(
    name: str, tmp_path: Path, env: dict[str, str], apply: Callable[[str], None], dialect: str
) -> Round:
    """Check, repair, apply the plan as written, check again: the repaired findings
    are gone, nothing new appears, and the scenarios PASSING_AFTER pass."""
    folder = SCENARIOS / name
    scenario = read_scenario(folder)
    assert scenario is not None and scenario.now is not None
    now = scenario.now.isoformat()
    path = fixture_billing_config(folder, tmp_path)
    code, before = _check(path, env, now, tmp_path / "before.json")
    repaired = {f["fingerprint"] for f in before if f.get("repair", {}).get("database")}
    assert repaired, f"{name}: no finding has a database repair"
    plan = tmp_path / "plan"
    args = ["repair", "--report", str(tmp_path / "before.json"), "--out", str(plan)]
    result = _invoke([*args, "--now", now], {})
    assert result.exit_code == 0 and dialect in result.output, result.output
    script = (plan / "repair.sql").read_text()
    apply(script)
    code_after, after = _check(path, env, now, tmp_path / "after.json")
    left = {f["fingerprint"] for f in after}
    assert left == {f["fingerprint"] for f in before} - repaired, after
    assert (not left) == (name in PASSING_AFTER), after
    return Round(before, after, (code, code_after), repaired, plan, script)


def _refused_again(
    script: str, apply: Callable[[str], None], tables: Callable[[], Any], error: Any, match: str
) -> None:
    """Applied again, the first guard sees a row that no longer holds what the check
    read: the transaction is rolled back and every table stays as it is."""
    held = tables()
    with pytest.raises(error, match=match):
        apply(script)
    assert tables() == held


@pytest.mark.parametrize("name", NAMES)
def test_repair_plan_applied_fixes_its_findings(name: str, pg_url: str, tmp_path: Path) -> None:
    import psycopg

    schema = "r_" + name.replace("-", "_")
    for path in sorted((SCENARIOS / name / "db").glob("*.json")):
        _create_table(pg_url, path.stem, _load(path), schema)
    url = f"{pg_url}?options=-csearch_path%3D{schema}"
    done = _repair_round(
        name, tmp_path, {"PC_DATABASE_URL": url}, partial(_apply, url), "PostgreSQL"
    )
    before, after, repaired = done.before, done.after, done.repaired
    assert done.codes[0] == (1 if any(f["severity"] == "fail" for f in before) else 0), before
    # One guarded UPDATE per row change, a change two findings make written once.
    changes = {
        (row["table"], json.dumps(row["key"]["value"]), c["column"])
        for f in before
        if f["fingerprint"] in repaired
        for row in f["repair"]["database"]
        for c in row["set"]
    }
    assert done.script.count("GET DIAGNOSTICS") <= len(changes)
    review = (done.plan / "review.csv").read_text()
    for finding in before:
        if finding["fingerprint"] not in repaired and not finding.get("repair", {}).get("provider"):
            assert finding["fingerprint"] in review
    if not after:
        verdict = json.loads((tmp_path / "after.json").read_text())["verdict"]
        assert done.codes[1] == 0 and verdict == "pass"
    _refused_again(
        done.script,
        partial(_apply, url),
        partial(_table_rows, pg_url, schema),
        psycopg.errors.RaiseException,
        "hold what the check read",
    )


def test_hostile_values_reach_postgres_as_literals(pg_url: str, tmp_path: Path) -> None:
    """Quotes, a dollar-quote tag, % and a newline in keys, values and table names of
    a report change exactly the row they name."""
    from psycopg import sql

    schema, table, key = "r_hostile", 'we"ird', "it's $repair$ 100%\nend"
    with connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        conn.execute(
            sql.SQL("CREATE TABLE {} (id text, plan text)").format(sql.Identifier(schema, table))
        )
        conn.execute(
            sql.SQL("INSERT INTO {} VALUES (%s, 'free'), ('other', 'free')").format(
                sql.Identifier(schema, table)
            ),
            (key,),
        )
    source = tmp_path / "source.json"
    result = _invoke(
        [
            "check",
            "--fixtures",
            str(SCENARIOS / "demo"),
            "--format",
            "json",
            "--output",
            str(source),
        ],
        {},
    )
    assert result.exit_code == 1
    report = json.loads(source.read_text())
    finding = next(f for f in report["findings"] if f["rule"] == "plan.underprovisioned")
    finding["repair"] = {
        "database": [
            {
                "table": f"{schema}.{table}",
                "key": {"column": "id", "value": key},
                "set": [{"column": "plan", "value": "it's $repair$ 'pro'", "before": "free"}],
            }
        ]
    }
    report["findings"] = [finding]
    edited = tmp_path / "report.json"
    edited.write_text(json.dumps(report))
    plan = tmp_path / "plan"
    result = _invoke(["repair", "--report", str(edited), "--out", str(plan)], {})
    assert result.exit_code == 0, result.output
    _apply(pg_url, (plan / "repair.sql").read_text())
    with connect(pg_url) as conn:
        rows = conn.execute(
            sql.SQL("SELECT id, plan FROM {} ORDER BY id").format(sql.Identifier(schema, table))
        ).fetchall()
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        conn.commit()
    assert rows == sorted([(key, "it's $repair$ 'pro'"), ("other", "free")])


# MariaDB: booleans as tinyint(1), times as DATETIME(6), PascalCase names kept.
MARIADB_NAMES = (
    "demo", "audit-8200", "schema-teams-status-fail", "schema-period-end-fail",
    "schema-epoch-ms-fail", "schema-prisma-team-fail", "app-subscriptions-fail", "paddle-fail",
)  # fmt: skip


def _mysql_apply(database: str, script: str) -> None:
    """The script as `mysql` runs it: statement by statement, stopping at the first
    error, the session's open transaction then rolled back as it ends."""
    from ..db.conftest import mysql_connect

    body = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    statements = [s.strip() for s in body.split(";\n") if s.strip()]
    with mysql_connect(database) as conn, conn.cursor() as cursor:
        cursor.execute("SET autocommit = 0")
        for statement in statements:
            cursor.execute(statement)


def _mysql_rows(database: str) -> dict[str, list[str]]:
    from ..db.conftest import mysql_connect

    with mysql_connect(database) as conn, conn.cursor() as cursor:
        cursor.execute("SHOW TABLES")
        names = sorted(row[0] for row in cursor.fetchall())
        found = {}
        for name in names:
            cursor.execute(f"SELECT * FROM `{name}`")
            found[name] = sorted(map(repr, cursor.fetchall()))
        return found


@pytest.mark.parametrize("name", MARIADB_NAMES)
def test_repair_plan_applied_to_mariadb(name: str, tmp_path: Path) -> None:
    import pymysql

    from ..db.conftest import mysql_database, mysql_url_for
    from .test_live_parity import mapped_columns
    from .test_mariadb_parity import create_table

    folder = SCENARIOS / name
    with mysql_database("prodcheck_repair") as database:
        for table in sorted((folder / "db").glob("*.json")):
            create_table(database, table.stem, _load(table), mapped_columns(folder, table.stem))
        env = {"PC_DATABASE_URL": mysql_url_for(database)}
        apply = partial(_mysql_apply, database)
        done = _repair_round(name, tmp_path, env, apply, "MySQL/MariaDB")
        code = done.codes[1]
        assert code == (0 if not done.after else 1) or any(
            f["severity"] == "warn" for f in done.after
        )
        _refused_again(
            done.script,
            apply,
            partial(_mysql_rows, database),
            pymysql.err.IntegrityError,
            "one_row_as_checked",
        )


# SQLite: untyped columns holding what the fixtures hold (times as ISO text, flags 1/0).
SQLITE_NAMES = (
    "demo", "schema-teams-status-fail", "schema-period-end-fail", "schema-epoch-ms-fail",
    "schema-prisma-team-fail", "app-subscriptions-fail",
)  # fmt: skip


def _sqlite_apply(path: Path, script: str) -> None:
    """The script as `sqlite3 -bail` runs it: stopping at the first error, the open
    transaction then rolled back as the connection closes."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        conn.executescript(script)
    finally:
        conn.close()


def _sqlite_rows(path: Path) -> dict[str, list[str]]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            name: sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"')))
            for name in sorted(names)
        }


@pytest.mark.parametrize("name", SQLITE_NAMES)
def test_repair_plan_applied_to_sqlite(name: str, tmp_path: Path) -> None:
    import sqlite3

    from .test_init_schemas import _sqlite_table

    database = tmp_path / "app.db"
    with sqlite3.connect(database) as conn:
        for table in sorted((SCENARIOS / name / "db").glob("*.json")):
            _sqlite_table(conn, table.stem, _load(table))
    env = {"PC_DATABASE_URL": f"sqlite:///{database}"}
    apply = partial(_sqlite_apply, database)
    done = _repair_round(name, tmp_path, env, apply, "SQLite")
    _refused_again(
        done.script,
        apply,
        partial(_sqlite_rows, database),
        sqlite3.IntegrityError,
        "one_row_as_checked",
    )
