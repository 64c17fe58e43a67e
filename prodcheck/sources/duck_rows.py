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

from prodcheck.mapping import ColumnMapping, TableConfig
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
    out = f"db_{name}"
    if not type_rows(conn, table.columns, raw, out):
        return None
    described = conn.execute(f"DESCRIBE {out}").fetchall()
    return [row[0] for row in described if row[0] not in ("pos", "ok")]


def type_rows(
    conn: Any, mapping: ColumnMapping, raw: str, out: str, tags: dict[str, str] | None = None
) -> bool:
    """Write `out` from the raw table (rows_sql.typed_table), then drop the raw
    table; whether SQL read every value as rows.py would (else Python is to read
    the table)."""
    ensure_macros(conn)
    conn.execute(typed_table(mapping, raw, out, tags))
    conn.execute(f"DROP TABLE {raw}")  # its memory back before the engine runs
    return not conn.execute(f"SELECT count(*) FROM {out} WHERE NOT ok").fetchall()[0][0]


def account_state(conn: Any, table: TableConfig, *, objects: bool) -> tuple[AccountState, int]:
    """The AccountState of the rows in db_accounts, and their count: with their
    Accounts built, or (without `objects`) none, the rows staying in DuckDB."""
    count: int = conn.execute("SELECT count(*) FROM db_accounts").fetchall()[0][0]
    accounts = tuple(account_objects(conn).values()) if objects else ()
    return AccountState(accounts=accounts, mapped_columns=table.columns.mapped_optional), count


def read_accounts(conn: Any, path: Path, table: TableConfig) -> AccountState | None:
    """The accounts of a JSON or NDJSON fixture file, in file order, as
    rows.accounts_from_rows reads them; None when Python is to read the file."""
    if read_typed(conn, path, table, "accounts") is None:
        return None
    return account_state(conn, table, objects=True)[0]
