"""Effect checks (webhooks.effects): which of a batch of values a column of the app's
table holds, read in one query per check (never one per event), inside the
backend's read-only transaction. Values are compared as text, exactly.

The connection is given; its driver is imported by the backend that opened it. A
fixture folder's table is read from its file (`values_in_file`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prodcheck.errors import FixtureError, SourceError
from prodcheck.sources.fixtures import read_rows, table_file
from prodcheck.webhooks_config import EffectCheck


def _quoted(name: str, quote: str) -> str:
    """A schema-qualified name with each part quoted (config validation allows only
    letters, digits and underscores; quoting keeps reserved words and case)."""
    return ".".join(quote + part.replace(quote, quote * 2) + quote for part in name.split("."))


def _postgres(conn: Any, check: EffectCheck, values: list[str]) -> list[tuple[Any, ...]]:
    from psycopg import sql

    query = sql.SQL(
        "SELECT DISTINCT CAST({column} AS text) FROM {table} WHERE CAST({column} AS text) = ANY(%s)"
    ).format(column=sql.Identifier(check.column), table=sql.Identifier(*check.table.split(".")))
    return list(conn.execute(query, [values]).fetchall())


def _mysql(conn: Any, check: EffectCheck, values: list[str]) -> list[tuple[Any, ...]]:
    column, table = _quoted(check.column, "`"), _quoted(check.table, "`")
    marks = ", ".join(["%s"] * len(values))
    query = (
        f"SELECT DISTINCT CAST({column} AS CHAR) FROM {table} "
        f"WHERE CAST({column} AS CHAR) IN ({marks})"
    )
    with conn.cursor() as cursor:
        cursor.execute(query, values)
        return list(cursor.fetchall())


def _sqlite(conn: Any, check: EffectCheck, values: list[str]) -> list[tuple[Any, ...]]:
    column, table = _quoted(check.column, '"'), _quoted(check.table, '"')
    query = (
        f"SELECT DISTINCT CAST({column} AS TEXT) FROM {table} "
        f"WHERE CAST({column} AS TEXT) IN (SELECT value FROM json_each(?))"
    )
    return list(conn.execute(query, [json.dumps(values)]).fetchall())


QUERIES = {"postgres": _postgres, "mysql": _mysql, "sqlite": _sqlite}


def values_present(
    kind: str, conn: Any, check: EffectCheck, values: Sequence[str], location: str
) -> frozenset[str]:
    """The values `check.table.column` holds, of these; one query. A table or column
    the database lacks, or may not be read, is an error naming the check."""
    wanted = sorted(set(values))
    if not wanted:
        return frozenset()
    try:
        rows = QUERIES[kind](conn, check, wanted)
    except Exception as exc:  # the driver's own error, whichever backend
        if not _driver_error(exc):
            raise
        reason = " ".join(str(exc).split())[:300]
        raise SourceError(
            f"{check.key}: cannot read {check.where} in {location} ({reason}). Fix the "
            f"check's table and column, or let the database role read {check.table}."
        ) from None
    found = {row[0] for row in rows}
    return frozenset(value for value in wanted if value in found)


def values_in_file(folder: Path, check: EffectCheck, values: Sequence[str]) -> frozenset[str]:
    """An effect check against a fixture table: which of these values its column holds
    (compared as text, as the live backends compare them)."""
    path = table_file(folder, check)
    rows = read_rows(path)
    if rows and not any(check.column in row for row in rows):
        raise FixtureError(
            f"{path}: no row has the column {check.column!r} that {check.key}.column names; "
            f"fix the check, or the file (its columns: {', '.join(sorted(rows[0]))})."
        )
    held = {
        str(row[check.column]).lower()
        if isinstance(row[check.column], bool)
        else str(row[check.column])
        for row in rows
        if row.get(check.column) is not None
    }
    return frozenset(value for value in values if value in held)


def _driver_error(exc: Exception) -> bool:
    """An error the database reported (DB-API's Error), not a bug of prodcheck's."""
    return any(cls.__name__ in ("Error", "DatabaseError") for cls in type(exc).__mro__[1:])
