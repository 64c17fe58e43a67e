"""The app's table fixtures read by DuckDB and typed by SQL (rows_sql.py): the
accounts table into `db_accounts`, where the engine reads them (or from which
the Accounts are built without a Python pass over each value).

`read_typed` returns None whenever the SQL path would not read the file exactly
as fixtures.py and rows.py do (a file DuckDB's reader refuses or would read where
JSON or Python's csv does not, a mapped column in no row, a join duck_joins.py
leaves to joins.py; in a joined or declared table, a value of a shape rows_sql.py
leaves to Python): the caller then reads it the Python way, which also names each
problem. In the accounts file itself, the rows holding such a value are read by
rows.py alone and put in their place.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from prodcheck.account_store import place_accounts
from prodcheck.errors import ProdcheckError
from prodcheck.mapping import ColumnMapping, TableConfig
from prodcheck.model import Account, AccountState
from prodcheck.row_objects import account_objects
from prodcheck.sources.duck_csv import names_of, raw_csv
from prodcheck.sources.duck_fixtures import keys_present, lacking_keys, raw_table
from prodcheck.sources.duck_joins import Tags, join_tables
from prodcheck.sources.duck_macros import ensure_macros
from prodcheck.sources.lacking import Lacking
from prodcheck.sources.rows_sql import identifier, typed_table


def read_typed(
    conn: Any,
    path: Path,
    table: TableConfig,
    name: str,
    locate: Callable[[TableConfig], Path] | None = None,
    accounts_at: Callable[[Any, Path, list[int]], Sequence[Account]] | None = None,
    lacking: list[Lacking] | None = None,
) -> list[str] | None:
    """Write `db_<name>(pos, <typed fields>, ok)` from a fixture file (JSON, NDJSON
    or CSV; `locate` finds each joined table's file); its columns (pos and ok
    aside), or None when Python is to read the file. The accounts table's rows
    holding a value the SQL does not read as rows.py does are read by
    `accounts_at` (conn, the file, their positions), when given and the table
    joins none, and put in their place. `lacking` gets the file's rows that lack
    some of its own mapped keys (duck_fixtures.lacking_keys), when some may."""
    raw = f"raw_db_{name}"
    mapped = list(dict.fromkeys(column for _, column in table.columns.items()))
    if table.joins:
        tags = _joined(conn, raw, path, table, locate, lacking)
    else:
        tags = raw_rows(conn, raw, path, mapped, required=mapped, lacking=lacking)
    if tags is None:
        return None
    out = f"db_{name}"
    if not type_rows(conn, table.columns, raw, out, tags):
        if accounts_at is None or name != "accounts" or table.joins:
            return None
        listed = conn.execute(f"SELECT pos FROM {out} WHERE NOT ok ORDER BY pos").fetchall()
        positions = [row[0] for row in listed]
        place_accounts(conn, accounts_at(conn, path, positions), positions, table.columns)
    described = conn.execute(f"DESCRIBE {out}").fetchall()
    return [row[0] for row in described if row[0] not in ("pos", "ok")]


def raw_rows(
    conn: Any,
    raw: str,
    path: Path,
    columns: list[str],
    required: list[str],
    lacking: list[Lacking] | None = None,
) -> Tags | None:
    """Write `raw(pos, <columns>)` from a table's fixture file: JSON values, or (a
    CSV's) text, whose tags are returned; None when Python is to read the file,
    one holding rows none of which holds a `required` column included (fixtures.py
    names it). A JSON file where a `required` column is null in some row (a null,
    or a key the row lacks: DuckDB reads both so) adds to `lacking` the rows that
    lack a key, read from the file; one where none is null cannot have any."""
    if path.suffix == ".csv":
        read = raw_csv(conn, raw, path, columns)
        if read is None or (read[0] and not set(required) <= set(read[1])):
            return None
        return dict.fromkeys(columns, "VARCHAR")
    if path.suffix not in (".json", ".ndjson"):
        return None
    count = raw_table(conn, raw, path, dict.fromkeys(columns, "JSON"))
    if count is None:
        return None
    if count and required:
        # a column no row holds (fixtures.py names it), told from one every row
        # holds as null
        counts = ", ".join(f"count({identifier(c)})" for c in required)
        held = conn.execute(f"SELECT {counts} FROM {raw}").fetchall()[0]
        nulls = [column for column, number in zip(required, held, strict=True) if not number]
        if nulls and not keys_present(conn, path, nulls):
            return None
        if lacking is not None and any(number < count for number in held):
            lacking.append(lacking_keys(conn, path, required))
    return {}


def _held(conn: Any, path: Path, columns: list[str]) -> bool:
    """Whether some row of the file holds each column (as a key, or in the header)."""
    if path.suffix == ".csv":
        return set(columns) <= set(names_of(path))
    return keys_present(conn, path, columns)


def _joined(
    conn: Any,
    raw: str,
    path: Path,
    table: TableConfig,
    locate: Callable[[TableConfig], Path] | None,
    lacking: list[Lacking] | None = None,
) -> Tags | None:
    """The accounts' own columns and each joined table's, read and joined into
    `raw` (duck_joins.py), as fixtures.py joins them; rows that hold the joined
    columns themselves (a recorded snapshot writes them so) are taken as they
    are. None when Python is to read them."""
    mapped = list(dict.fromkeys(column for _, column in table.columns.items()))
    wanted = [c for c in mapped if table.join_of(c)]
    columns = list(dict.fromkeys([*mapped, *table.own_columns()]))
    tags = raw_rows(conn, raw, path, columns, required=table.own_mapped(), lacking=lacking)
    if tags is None:
        return None
    if conn.execute(f"SELECT count(*) FROM {raw}").fetchall()[0][0] and _held(conn, path, wanted):
        return tags
    if locate is None:
        return None

    def copy(config: TableConfig, into: str) -> Tags | None:
        try:
            found = locate(config)
        except ProdcheckError:
            return None  # fixtures.py names it, after what it reads first
        columns = list(dict.fromkeys(c for _, c in config.columns.items()))
        return raw_rows(conn, into, found, columns, required=columns)

    conn.execute(f"ALTER TABLE {raw} RENAME TO {raw}_own")
    return join_tables(conn, table, raw, tags, copy)


def type_rows(conn: Any, mapping: ColumnMapping, raw: str, out: str, tags: Tags) -> bool:
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


def read_accounts(
    conn: Any, path: Path, table: TableConfig, locate: Callable[[TableConfig], Path] | None = None
) -> AccountState | None:
    """The accounts of a fixture file, in file order, as rows.accounts_from_rows
    reads them; None when Python is to read the file."""
    if read_typed(conn, path, table, "accounts", locate) is None:
        return None
    return account_state(conn, table, objects=True)[0]
