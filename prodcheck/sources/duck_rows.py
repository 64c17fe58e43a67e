"""The app's table fixtures read by DuckDB and typed by SQL (rows_sql.py): the
accounts table into `db_accounts`, where the engine reads them (or from which
the Accounts are built without a Python pass over each value).

`read_accounts` returns None whenever the SQL path would not read the file
exactly as fixtures.py and rows.py do (a CSV, a table spread over joined ones, a
file DuckDB's reader refuses or would read where JSON does not, a mapped column
in no row, a value of a shape rows_sql.py leaves to Python): the caller then reads
it the Python way, which also names each problem.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prodcheck.mapping import TableConfig
from prodcheck.model import AccountState
from prodcheck.row_objects import account_objects
from prodcheck.sources.duck_fixtures import keys_present, raw_table
from prodcheck.sources.duck_macros import ensure_macros
from prodcheck.sources.rows_sql import identifier, typed_table


def read_typed(conn: Any, path: Path, table: TableConfig, name: str) -> list[str] | None:
    """Write `db_<name>(pos, <typed fields>, ok)` from a JSON or NDJSON fixture file;
    its columns (pos and ok aside), or None when Python is to read the file."""
    if path.suffix not in (".json", ".ndjson") or table.joins:
        return None
    mapped = list(dict.fromkeys(column for _, column in table.columns.items()))
    raw = f"raw_db_{name}"
    count = raw_table(conn, raw, path, dict.fromkeys(mapped, "JSON"))
    if count is None:
        return None
    if count:
        # a mapped column no row holds (fixtures.py names it), told from one every
        # row holds as null
        counts = ", ".join(f"count({identifier(c)})" for c in mapped)
        held = conn.execute(f"SELECT {counts} FROM {raw}").fetchall()[0]
        nulls = [column for column, number in zip(mapped, held, strict=True) if not number]
        if nulls and not keys_present(conn, path, nulls):
            return None
    ensure_macros(conn)
    out = f"db_{name}"
    conn.execute(typed_table(table.columns, raw, out))
    if conn.execute(f"SELECT count(*) FROM {out} WHERE NOT ok").fetchall()[0][0]:
        return None
    described = conn.execute(f"DESCRIBE {out}").fetchall()
    return [row[0] for row in described if row[0] not in ("pos", "ok")]


def read_accounts(conn: Any, path: Path, table: TableConfig) -> AccountState | None:
    """The accounts of a JSON or NDJSON fixture file, in file order, as
    rows.accounts_from_rows reads them; None when Python is to read the file."""
    if read_typed(conn, path, table, "accounts") is None:
        return None
    accounts = tuple(account_objects(conn).values())
    return AccountState(accounts=accounts, mapped_columns=table.columns.mapped_optional)
