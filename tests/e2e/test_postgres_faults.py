"""The database's faults on the real PostgreSQL, through the CLI in a process of its
own: the connection dropped in the middle of the read (pg_terminate_backend, as a
failover or an administrator does) and a read that outlasts
database.statement_timeout_seconds. Each ends in a clear error (exit 2) naming the
table and what to do, within a bound, never a traceback and never a check of the
rows read so far."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import yaml

from ..conftest import SCENARIOS
from ..db.conftest import connect
from .test_live_parity import _create_table, _load

FOLDER = SCENARIOS / "access-revenue-leak-fail"
NOW = "2026-11-01T12:00:00Z"


def _setup(pg_url: str, tmp_path: Path, *, where: str, timeout: float) -> tuple[Path, str]:
    """The scenario's users table in a schema of its own, and a config reading it
    through `where` (a condition that makes the read slow)."""
    schema = f"faults_{secrets.token_hex(4)}"
    _create_table(pg_url, "users", _load(FOLDER / "db/users.json"), schema)
    config = yaml.safe_load((FOLDER / "prodcheck.yml").read_text())
    config["billing"]["fixtures"] = str(FOLDER)
    database = config["database"]
    database.update(url_env="PC_DATABASE_URL", statement_timeout_seconds=timeout, where=where)
    database["table"] = f"{schema}.users"
    path = tmp_path / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    return path, schema


def _start(path: Path, pg_url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PC_DATABASE_URL": pg_url}
    args = [sys.executable, "-m", "prodcheck", "check", "--config", str(path), "--now", NOW]
    return subprocess.Popen(
        args, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _drop(pg_url: str, schema: str) -> None:
    with connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_a_connection_dropped_mid_read_ends_in_a_clear_error(pg_url: str, tmp_path: Path) -> None:
    # every row waits a little: the read is under way when the connection is dropped
    path, schema = _setup(pg_url, tmp_path, where="pg_sleep(1) IS NOT NULL", timeout=60)
    try:
        started = time.monotonic()
        process = _start(path, pg_url)
        killed = 0
        with connect(pg_url, autocommit=True) as admin:
            while not killed and time.monotonic() - started < 20 and process.poll() is None:
                killed = len(
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE query LIKE %s AND pid <> pg_backend_pid()",
                        (f"%{schema}%pg_sleep%",),
                    ).fetchall()
                )
                time.sleep(0.05)
        out, err = process.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        _drop(pg_url, schema)
    assert killed, "the read never showed in pg_stat_activity"
    assert process.returncode == 2, out + err
    assert took < 15, f"took {took:.1f}s"
    assert "Traceback" not in err and "internal error" not in err, err
    assert "PostgreSQL" in err and "users" in err, err
    assert "the connection was lost while reading" in err and "run again" in err, err
    assert "VERDICT" not in out  # nothing was checked on the rows read so far


def test_a_read_beyond_the_statement_timeout_ends_in_a_clear_error(
    pg_url: str, tmp_path: Path
) -> None:
    path, schema = _setup(pg_url, tmp_path, where="pg_sleep(10) IS NOT NULL", timeout=0.5)
    try:
        started = time.monotonic()
        process = _start(path, pg_url)
        out, err = process.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        _drop(pg_url, schema)
    assert process.returncode == 2, out + err
    assert took < 10, f"took {took:.1f}s"
    assert "took longer than database.statement_timeout_seconds (0.5s)" in err, err
    assert "Traceback" not in err
