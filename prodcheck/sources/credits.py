"""The credit tables (database.tables.credit_balances, credit_ledger) read into a
DuckDB connection as db_credit_balances and db_credit_ledger, where
engine/credit_sums.py sums them: typed by SQL wherever the source can (a fixture
file read by DuckDB; database tables copied in one read-only transaction), else
read and typed by rows.py, which names each bad row, and stored there. A ledger
is never held in Python as objects on the SQL path.

pyarrow is imported here only, when a table is left to Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prodcheck.config import DatabaseConfig
from prodcheck.sources.rows import typed_rows
from prodcheck.tables import FieldType, TableSpec

CREDIT_TABLES = ("credit_balances", "credit_ledger")


def credit_tables(config: DatabaseConfig) -> list[str]:
    """The credit tables the config maps."""
    return [name for name in CREDIT_TABLES if name in config.tables]


def read_credit_tables(conn: Any, database: Any, config: DatabaseConfig) -> dict[str, int]:
    """The mapped credit tables into `conn`'s db_<name>; name -> rows read."""
    names = credit_tables(config)
    copied: set[str] = set()
    if names and hasattr(database, "copy_tables_by_sql"):
        copied = set(database.copy_tables_by_sql(conn, names))
    for name in names:
        if name not in copied:
            table = config.tables[name]
            rows = typed_rows(database.read_table(name), table.columns, table.table)
            store_rows(conn, name, rows, table.columns.spec, table.columns.mapped_optional)
    return {
        name: int(conn.execute(f"SELECT count(*) FROM db_{name}").fetchall()[0][0])
        for name in names
    }


def store_rows(
    conn: Any,
    name: str,
    rows: Sequence[Mapping[str, Any]],
    spec: TableSpec,
    optional: frozenset[str],
) -> None:
    """Typed rows (rows.typed_rows) as db_<name>(pos, <fields>): the required fields
    and the optional ones mapped, as the SQL reader writes them."""
    import pyarrow as pa

    types = {
        FieldType.ID: pa.string(),
        FieldType.TEXT: pa.string(),
        FieldType.FLAG: pa.bool_(),
        FieldType.COUNT: pa.int64(),
        FieldType.TIME: pa.timestamp("us", tz="UTC"),
    }
    fields = [f for f in spec.fields if f.required or f.name in optional]
    arrow = pa.table(
        {
            "pos": pa.array(range(len(rows)), pa.int64()),
            **{f.name: pa.array([row.get(f.name) for row in rows], types[f.type]) for f in fields},
        }
    )
    conn.register("python_rows", arrow)
    try:
        conn.execute(f"CREATE OR REPLACE TEMP TABLE db_{name} AS SELECT * FROM python_rows")
    finally:
        conn.unregister("python_rows")
