"""The typed rows of a table read through its column mapping, as the SQL reader
writes them (`db_<name>`: sources/rows_sql.py), and the model's Accounts written
into them: the inverse of row_objects.account_objects, for accounts read by
Python (the Python reader's, a test's), so that the engine reads every account
from db_accounts, whoever read it.

The connection is given; pyarrow is imported here, duckdb by whoever opened the
connection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prodcheck.billing_store import arrow_type, delete_at, insert
from prodcheck.mapping import ColumnMapping
from prodcheck.model import Account
from prodcheck.tables import SOURCE, FieldType

# Each field type's column type in the typed rows.
SQL_TYPES = {
    FieldType.ID: "VARCHAR",
    FieldType.TEXT: "VARCHAR",
    FieldType.FLAG: "BOOLEAN",
    FieldType.TIME: "TIMESTAMPTZ",
    FieldType.COUNT: "BIGINT",
}


def typed_columns(mapping: ColumnMapping) -> list[tuple[str, str]]:
    """(column, type) of the typed rows, `pos` and `ok` aside, in order: every field
    of the table's spec, and after a field read from a status column (a derivation
    granting some values), that column's own value as `<field>:source`."""
    found: list[tuple[str, str]] = []
    for spec in mapping.spec.fields:
        found.append((spec.name, SQL_TYPES[spec.type]))
        derivation = mapping.derivation(spec.name)
        if (
            mapping.get(spec.name) is not None
            and derivation is not None
            and not (derivation.expires or derivation.source)
        ):
            found.append((f"{spec.name}{SOURCE}", "VARCHAR"))
    return found


def store_accounts(conn: Any, accounts: Sequence[Account], mapping: ColumnMapping) -> None:
    """db_accounts(pos, <typed columns>, ok) from the accounts, in their order."""
    declared = ", ".join(f'"{name}" {kind}' for name, kind in typed_columns(mapping))
    conn.execute(f"CREATE OR REPLACE TEMP TABLE db_accounts (pos BIGINT, {declared}, ok BOOLEAN)")
    _insert(conn, accounts, range(len(accounts)), mapping)


def store_rows(
    conn: Any, name: str, rows: Sequence[Mapping[str, Any]], mapping: ColumnMapping
) -> None:
    """db_<name>(pos, <typed columns>, ok) from a declared table's typed rows
    (rows.typed_rows) that Python read, as the SQL reader writes them: a field not
    mapped is empty."""
    import pyarrow as pa

    columns = typed_columns(mapping)
    declared = ", ".join(f'"{column}" {kind}' for column, kind in columns)
    conn.execute(f"CREATE OR REPLACE TEMP TABLE db_{name} (pos BIGINT, {declared}, ok BOOLEAN)")
    if not rows:
        return
    mapped = {field for field in mapping.spec.names if mapping.get(field) is not None}
    table = pa.table(
        {
            "pos": pa.array(range(len(rows)), pa.int64()),
            **{
                column: pa.array(
                    [row.get(column) for row in rows]
                    if column.split(SOURCE)[0] in mapped
                    else [None] * len(rows),
                    arrow_type(kind),
                )
                for column, kind in columns
            },
            "ok": pa.array([True] * len(rows), pa.bool_()),
        }
    )
    insert(conn, f"db_{name}", table)


def place_accounts(
    conn: Any, accounts: Sequence[Account], positions: Sequence[int], mapping: ColumnMapping
) -> None:
    """The accounts into db_accounts, the n-th at row positions[n], in place of the
    rows the SQL reader wrote there (values it does not read as rows.py does)."""
    delete_at(conn, [("db_accounts", "pos")], positions)
    _insert(conn, accounts, positions, mapping)


def _insert(
    conn: Any, accounts: Sequence[Account], positions: Sequence[int], mapping: ColumnMapping
) -> None:
    import pyarrow as pa

    if not accounts:
        return
    rows = pa.table(
        {
            "pos": pa.array(positions, pa.int64()),
            **{
                name: pa.array([a.value(name) for a in accounts], arrow_type(kind))
                for name, kind in typed_columns(mapping)
            },
            "ok": pa.array([True] * len(accounts), pa.bool_()),
        }
    )
    insert(conn, "db_accounts", rows)
