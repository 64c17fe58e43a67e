"""The accounts table of a MySQL or MariaDB database copied into DuckDB and typed
by SQL: the SELECT mysql.read_table runs (the mapped columns, the configured
`where`, the same order), each column cast to text by the server, read in
batches through an unbuffered cursor inside mysql.py's read-only snapshot
transaction and appended to `raw_db_<name>` as Arrow batches, each column
tagged with the type the server gave it (rows_sql.py reads a tag as coerce.py
reads PyMySQL's value of that type). Tables joined to the accounts table are
copied the same way and joined by DuckDB (duck_joins.py).

`copy_table` returns False whenever this path would not read the table
exactly as PyMySQL and rows.py do: a column of a type whose text the SQL does
not read as PyMySQL's value (decimal, float, binary, json ...), a value of a
shape rows_sql.py leaves to Python, a join duck_joins.py leaves to joins.py. The
caller then reads the rows through PyMySQL, which names each problem.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from prodcheck.errors import SourceError
from prodcheck.mapping import TableConfig
from prodcheck.sources.database import order_column, scrub, selected_columns
from prodcheck.sources.duck_joins import Tags, copy_joined
from prodcheck.sources.duck_rows import type_rows
from prodcheck.sources.rows_sql import identifier

# The kind mysql.py gives a column -> the type its text is typed as: what rows.py
# reads PyMySQL's value of that column as (an int, a str, a datetime or date).
# A tinyint(1) is an int to PyMySQL (rows.py reads 0 and 1 as a flag).
TAGS = {
    "text": "VARCHAR",
    "enum": "VARCHAR",
    "uuid": "VARCHAR",
    "integer": "BIGINT",
    "boolean": "BIGINT",
    "timestamp": "TIMESTAMP",
}
BATCH = 10_000  # rows fetched at a time


def copy_table(
    duck: Any, conn: Any, config: TableConfig, name: str, timeout: float, location: str, url: str
) -> bool:
    """Write `db_<name>` on the DuckDB connection `duck` from the table read
    through `conn` (inside the read-only transaction); False when PyMySQL and
    rows.py are to read it."""
    import pymysql

    from prodcheck.sources.mysql import read_failure

    raw = f"raw_db_{name}"
    try:
        tags = copy_joined(duck, config, raw, partial(_copy, duck, conn))
    except pymysql.Error as exc:
        what = read_failure(exc, conn, config, timeout)
        raise SourceError(scrub(f"MySQL at {location}: {what}.", url)) from None
    return tags is not None and type_rows(duck, config.columns, raw, f"db_{name}", tags)


def _copy(duck: Any, conn: Any, config: TableConfig, raw: str) -> Tags | None:
    """Write `raw(pos, <the selected columns>)`, each value as the server's text;
    the columns' tags, or None when a column's type is not one this path reads
    (or the table or a column is missing: mysql.py names it)."""
    import pyarrow as pa
    import pymysql

    from prodcheck.sources.mysql import lookup_table, quote, select

    columns = selected_columns(config.columns)
    try:
        parts, actual = lookup_table(conn, config.table)
    except SourceError:
        return None  # mysql.py names it, in the order it reads the tables
    kinds = {name.lower(): kind for name, (kind, _) in actual.items()}
    tags = {c: TAGS.get(kinds.get(c.lower(), ""), "") for c in columns}
    if not all(tags.values()):
        return None
    texts = ", ".join(f"CAST({quote(c)} AS CHAR)" for c in columns)
    query = f"{select(parts, config, texts)} ORDER BY {quote(order_column(config))}"
    typed = ", ".join(f"{identifier(c)} VARCHAR" for c in columns)
    duck.execute(f"CREATE OR REPLACE TEMP TABLE {raw} (pos BIGINT, {typed})")
    names = ["pos", *columns]
    read = 0
    with conn.cursor(pymysql.cursors.SSCursor) as cursor:
        cursor.execute(query)
        while batch := cursor.fetchmany(BATCH):
            values = list(zip(*batch, strict=True))
            arrays = [pa.array(range(read, read + len(batch)), pa.int64())]
            arrays += [pa.array(column, pa.string()) for column in values]
            duck.register("prodcheck_batch", pa.Table.from_arrays(arrays, names=names))
            duck.execute(f"INSERT INTO {raw} SELECT * FROM prodcheck_batch")
            duck.unregister("prodcheck_batch")
            read += len(batch)
    return tags
