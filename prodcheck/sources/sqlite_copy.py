"""The accounts table of a SQLite file copied into DuckDB and typed by SQL: SQLite
writes each row as one JSON object (`json_object`, each value with the type
SQLite stored it as: an integer, a real, text or null), read in batches from the
read-only transaction sqlite.py opens and streamed to a private temporary NDJSON
file, which DuckDB reads as it reads an NDJSON fixture (duck_fixtures.py). The
values are then typed by rows_sql.py as rows.py types the ones sqlite3 returns:
no Python object per value.

The SELECT is the one sqlite.read_table runs (the mapped columns, the configured
`where`, the same order). Tables joined to the accounts table are copied the
same way and joined by DuckDB (duck_joins.py).

`copy_table` returns False whenever this path would not read the table
exactly as sqlite3 and rows.py do, or cannot say why a read failed as sqlite.py
says it: a blob, a real (rows_sql.py leaves a float to Python), text that is
not UTF-8, a value of a shape rows_sql.py leaves to Python, a join duck_joins.py
leaves to joins.py, a missing table or column, a `where` SQLite refuses. The
caller then reads the rows through sqlite3, which names each problem. A read
that ran out of time is said so at once, not run a second time.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

from prodcheck.errors import ProdcheckError, SourceError
from prodcheck.mapping import TableConfig
from prodcheck.sources.database import order_column, selected_columns
from prodcheck.sources.duck_fixtures import quoted, raw_table, staging
from prodcheck.sources.duck_joins import Tags, copy_joined
from prodcheck.sources.duck_rows import type_rows
from prodcheck.sources.rows_sql import identifier

BATCH = 10_000  # rows fetched from SQLite at a time


def copy_table(
    duck: Any,
    conn: sqlite3.Connection,
    config: TableConfig,
    name: str,
    timeout: float,
    location: str,
) -> bool:
    """Write `db_<name>` on the DuckDB connection `duck` from the table read
    through `conn` (inside its read-only transaction); False when sqlite3 and
    rows.py are to read it."""
    from prodcheck.sources.sqlite import read_failure

    raw = f"raw_db_{name}"
    try:
        tags = copy_joined(duck, config, raw, partial(_copy, duck, conn))
    except sqlite3.Error as exc:
        if str(exc) == "interrupted":  # the statement time limit: Python would wait again
            raise SourceError(read_failure(exc, config, timeout, location)) from None
        return False  # sqlite.py reads it, and names the problem
    except ProdcheckError:
        return False  # a table or column missing: sqlite.py names it, in its order
    return tags is not None and type_rows(duck, config.columns, raw, f"db_{name}", tags)


def _copy(duck: Any, conn: sqlite3.Connection, config: TableConfig, raw: str) -> Tags | None:
    """Write `raw(pos, <the selected columns>)`, each value as JSON; the columns'
    tags (none: every column is JSON), or None when DuckDB cannot read the rows
    SQLite wrote."""
    from prodcheck.sources.sqlite import lookup_table, quote, select

    columns = selected_columns(config.columns)
    parts, actual = lookup_table(conn, config.table)
    present = {c.lower() for c in actual}
    if any(c.lower() not in present for c in columns):
        return None
    pairs = ", ".join(f"{quoted(c)}, {quote(c)}" for c in columns)
    query = select(parts, config, f"json_object({pairs})")
    cursor = conn.execute(f"{query} ORDER BY {quote(order_column(config))}")
    with staging(duck, "prodcheck-copy-") as folder:
        path = Path(folder) / "rows.ndjson"
        written = 0
        with path.open("w", encoding="utf-8") as out:
            while batch := cursor.fetchmany(BATCH):
                out.write("".join(row[0] + "\n" for row in batch))
                written += len(batch)
        if not written:
            typed = ", ".join(f"NULL::JSON AS {identifier(c)}" for c in columns)
            duck.execute(f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT 0 AS pos, {typed} LIMIT 0")
            return {}
        count = raw_table(duck, raw, path, dict.fromkeys(columns, "JSON"))
    return None if count is None else {}
