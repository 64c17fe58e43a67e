"""The accounts table's rows holding a value the SQL does not read as rows.py
does go to rows.py one by one, never with their file (sources/duck_rows.py,
FixtureAccounts._accounts_at, account_store.place_accounts): the rows stay in
DuckDB, rows.py sees exactly those rows (named by their place in the file), the
Accounts read back are the Python reader's, and the report and every error
message are the same byte for byte. JSON and CSV files alike."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from prodcheck.config import load_config
from prodcheck.engine.duck import connect
from prodcheck.row_objects import account_objects
from prodcheck.sources.fixtures import FixtureAccounts

from .conftest import SCENARIOS
from .python_readers import python_readers

BASE = "lifecycle-deleted-account-billed-fail"
USERS = "db/users.json"


def _folder(tmp_path: Path, edits: dict[int, dict[str, Any]], as_csv: bool = False) -> Path:
    folder = tmp_path / BASE
    shutil.copytree(SCENARIOS / BASE, folder)
    path = folder / USERS
    rows = json.loads(path.read_text())
    for index, changes in edits.items():
        rows[index].update(changes)
    if as_csv:
        path.unlink()
        names = list(dict.fromkeys(k for row in rows for k in row))
        with (folder / "db" / "users.csv").open("w", newline="") as out:
            writer = csv.DictWriter(out, names)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
    else:
        path.write_text(json.dumps(rows, indent=1))
    return folder


def _read(folder: Path) -> tuple[list[list[int]], Any, Any]:
    """(the positions handed to rows.py, the Accounts read back, Python's)."""
    config = load_config(folder / "prodcheck.yml")
    source = FixtureAccounts(folder, config.database)
    seen: list[list[int]] = []
    real = source._accounts_at

    def spy(conn: Any, path: Path, positions: list[int]) -> Any:
        seen.append(list(positions))
        return real(conn, path, positions)

    source._accounts_at = spy  # type: ignore[method-assign]
    conn = connect()
    assert source.load_by_sql(conn, objects=False) is not None, "read by SQL"
    read_back = tuple(account_objects(conn).values())
    conn.close()
    python, _ = FixtureAccounts(folder, config.database).load()
    return seen, read_back, python.accounts


OFFSET = "2026-10-20T14:00:00+02:00"  # a time with a non-UTC offset: left to rows.py


@pytest.mark.parametrize("as_csv", [False, True], ids=["json", "csv"])
def test_a_row_sql_does_not_read_alone_goes_to_python(
    tmp_path: Path, run_cli: Any, as_csv: bool
) -> None:
    folder = _folder(tmp_path, {0: {"deleted_at": OFFSET}, 2: {"deleted_at": OFFSET}}, as_csv)
    seen, read_back, python = _read(folder)
    assert seen == [[0, 2]]
    assert read_back == python
    args = ("check", "--fixtures", str(folder), "--format", "json")
    sql = run_cli(*args)
    with python_readers():
        by_python = run_cli(*args)
    assert (sql.exit_code, sql.stdout) == (by_python.exit_code, by_python.stdout)


@pytest.mark.parametrize("as_csv", [False, True], ids=["json", "csv"])
def test_malformed_rows_are_named_as_the_python_reader_names_them(
    tmp_path: Path, run_cli: Any, as_csv: bool
) -> None:
    edits = {
        1: {"deleted_at": "yesterday"},
        2: {"deleted_at": OFFSET},
        0: {"has_paid_access": "maybe"},
    }
    folder = _folder(tmp_path, edits, as_csv)
    args = ("check", "--fixtures", str(folder))
    sql = run_cli(*args)
    with python_readers():
        by_python = run_cli(*args)
    assert sql.exit_code == by_python.exit_code == 2
    assert sql.stderr == by_python.stderr
    assert "malformed rows" in sql.stderr
    assert ("users.csv:3" if as_csv else "users.json[1]") in sql.stderr


def test_a_null_row_is_named_as_the_python_reader_names_it(tmp_path: Path, run_cli: Any) -> None:
    folder = _folder(tmp_path, {})
    path = folder / USERS
    rows = json.loads(path.read_text())
    rows[2] = None
    path.write_text(json.dumps(rows))
    sql = run_cli("check", "--fixtures", str(folder))
    with python_readers():
        by_python = run_cli("check", "--fixtures", str(folder))
    assert sql.exit_code == by_python.exit_code == 2
    assert sql.stderr == by_python.stderr
    assert "[2]: expected a row object, got null" in sql.stderr
