"""The accounts table of a PostgreSQL database copied into DuckDB and typed by SQL:
`COPY (SELECT ...) TO STDOUT` as CSV, in the same read-only snapshot transaction
as every other read (postgres.py), streamed to a private temporary file that
DuckDB reads into `raw_db_<name>` (each value as text, with the type Postgres
gave its column), then typed by rows_sql.py as rows.py types the values psycopg
returns: no Python object per row.

The SELECT is the one postgres.read_table runs (the mapped columns, the
configured `where`, the same order); before it is copied it is prepared once
with LIMIT 0, through the extended protocol, which refuses a second statement:
COPY itself is sent as a simple query.

Tables joined to the accounts table are copied the same way, each on its own,
and joined by DuckDB (duck_joins.py) as joins.py joins the rows psycopg reads.

`copy_table` returns False whenever this path would not read the table
exactly as psycopg and rows.py do: a column of a type whose text the SQL does
not read as psycopg's value (numeric, float, json, arrays ...), a value of a
shape rows_sql.py leaves to Python, a join duck_joins.py leaves to joins.py. The caller
then reads the rows through psycopg, which names each problem.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodcheck.errors import SourceError
from prodcheck.mapping import TableConfig
from prodcheck.sources.database import scrub
from prodcheck.sources.duck_fixtures import quoted, staging
from prodcheck.sources.duck_joins import Tags, copy_joined
from prodcheck.sources.duck_rows import type_rows

if TYPE_CHECKING:
    from prodcheck.sources.postgres import Connection

# The kind postgres.py gives a column -> the type its COPY text is typed as: what
# rows.py reads psycopg's value of that column as (an int, a str, a bool, a
# datetime or date, which only a time field reads).
TAGS = {
    "text": "VARCHAR",
    "enum": "VARCHAR",
    "uuid": "VARCHAR",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
}


def copy_table(
    duck: Any,
    pg: Connection,
    config: TableConfig,
    name: str,
    timeout: float,
    location: str,
    url: str,
) -> bool:
    """Write `db_<name>` on the DuckDB connection `duck` from the table read
    through `pg` (inside the read-only transaction), its joined tables joined by
    duck_joins.py; False when psycopg and rows.py are to read it."""
    import psycopg

    from prodcheck.sources.postgres import read_failure

    raw = f"raw_db_{name}"
    try:
        tags = copy_joined(duck, config, raw, partial(_copy, duck, pg))
    except psycopg.Error as exc:
        what = read_failure(exc, pg, config, timeout)
        raise SourceError(scrub(f"PostgreSQL at {location}: {what}.", url)) from None
    return tags is not None and type_rows(duck, config.columns, raw, f"db_{name}", tags)


def _copy(duck: Any, pg: Connection, config: TableConfig, raw: str) -> Tags | None:
    """Write `raw(pos, <the selected columns>)` from one table, each value as its
    COPY text; the columns' tags, or None when a column's type is not one this
    path reads."""
    import duckdb
    from psycopg import sql

    from prodcheck.sources.postgres import table_query

    table, columns, query = table_query(pg, config)
    tags = {c: TAGS.get(table.columns[c][0], "") for c in columns}
    if not all(tags.values()):
        return None
    # One statement, or an error: prepared through the extended protocol.
    pg.execute(query + sql.SQL(" LIMIT 0"), prepare=True)
    with staging(duck, "prodcheck-copy-") as folder:
        path = Path(folder) / "rows.csv"
        copy = sql.SQL("COPY ({}) TO STDOUT (FORMAT csv)").format(query)
        with path.open("wb") as out, pg.cursor().copy(copy) as stream:
            for chunk in stream:
                out.write(chunk)
        declared = ", ".join(f"{quoted(c)}: 'VARCHAR'" for c in columns)
        try:
            duck.execute(
                f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT row_number() OVER () - 1 "
                f"AS pos, * FROM read_csv({quoted(str(path))}, header = false, "
                f"columns = {{{declared}}}, delim = ',', quote = '\"', escape = '\"', "
                "nullstr = '', allow_quoted_nulls = false, auto_detect = false)"
            )
        except duckdb.OutOfMemoryException:
            raise  # the memory limit's to raise
        except duckdb.Error:
            return None  # a column name DuckDB cannot hold (two differing by case)
    return tags
