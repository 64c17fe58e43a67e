"""The credit tables (database.tables.credit_balances, credit_ledger) read into a
DuckDB connection as db_credit_balances and db_credit_ledger, where
engine/credit_sums.py sums them: typed by SQL wherever the source can (a fixture
file read by DuckDB; database tables copied in one read-only transaction), else
read and typed by rows.py, which names each bad row, and stored there
(account_store.store_rows). A ledger is never held in Python as objects on the
SQL path.
"""

from __future__ import annotations

from typing import Any

from prodcheck.account_store import store_rows
from prodcheck.config import DatabaseConfig
from prodcheck.sources.rows import typed_rows

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
            store_rows(conn, name, rows, table.columns)
    return {
        name: int(conn.execute(f"SELECT count(*) FROM db_{name}").fetchall()[0][0])
        for name in names
    }
