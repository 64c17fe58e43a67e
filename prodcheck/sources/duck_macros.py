"""The SQL macros the providers' and the rows' SQL read values with
(stripe_sql.MACROS, paddle_sql.MACROS, rows_sql.ROW_MACROS), created once per
database: they are persistent macros, seen by every connection to it, so a check
does not plan dozens of CREATE MACRO statements again (the process's one
in-memory database is shared by every check it runs).

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

from typing import Any

from prodcheck.sources.paddle_sql import MACROS as PADDLE_MACROS
from prodcheck.sources.rows_sql import ROW_MACROS
from prodcheck.sources.stripe_sql import MACROS

# Created last: a database that has it has the others.
_MARK = "CREATE OR REPLACE MACRO pc_macros_ready() AS (true)"


def ensure_macros(conn: Any) -> None:
    """Create the macros in the connection's database unless it has them."""
    import duckdb

    try:
        conn.execute("SELECT pc_macros_ready()")
        return
    except duckdb.CatalogException:
        pass
    for statement in (*MACROS, *PADDLE_MACROS, *ROW_MACROS, _MARK):
        conn.execute(statement)
