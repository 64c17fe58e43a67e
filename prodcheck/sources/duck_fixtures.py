"""Fixture files read by DuckDB into raw tables: one provider object per row, as
JSON, with its position in its file (`raw_<provider>_<collection>(pos, obj)`).

A collection's file is `<provider>/<collection>.json` (a JSON array, or a list
object whose `data` holds the objects) or `<provider>/<collection>.ndjson` (one
object per line, for large folders). What DuckDB cannot read as such (malformed
JSON, a byte-order mark, a list object saying `has_more`) is left to fixtures.py,
whose messages name the file, the line and the column: `raw_table` then returns
None.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_PEEK = 4096


def _first_character(path: Path) -> str | None:
    """The first non-blank character of the file, or None for a byte-order mark or
    an empty file (read by fixtures.py)."""
    with path.open("rb") as handle:
        head = handle.read(_PEEK)
    if head.startswith(b"\xef\xbb\xbf"):
        return None
    text = head.lstrip()
    return chr(text[0]) if text else None


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def raw_table(conn: Any, table: str, path: Path) -> int | None:
    """Create `table(pos BIGINT, obj JSON)` from a fixture file; the object count, or
    None when the file is not plain JSON of the expected layout."""
    import duckdb

    first = _first_character(path)
    source = _quoted(path)
    if path.suffix == ".ndjson":
        if first != "{":
            return None
        lines = f"read_json_objects({source}, format = 'newline_delimited')"
        select = f"SELECT json AS obj FROM {lines}"
    elif first == "[":
        select = f"SELECT json AS obj FROM read_json_objects({source}, format = 'array')"
    elif first == "{":
        listing = f"read_json_objects({source}, format = 'unstructured')"
        try:
            header = conn.execute(
                f"SELECT json_type(json, '$.data'), coalesce(json_extract(json, '$.has_more') "
                f"= 'true'::JSON, false) FROM {listing}"
            ).fetchall()
        except duckdb.Error:
            return None
        if len(header) != 1 or header[0] != ("ARRAY", False):
            return None
        select = f"SELECT unnest(json_extract(json, '$.data[*]')) AS obj FROM {listing}"
    else:
        return None
    try:
        conn.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT row_number() OVER () - 1 AS pos, obj FROM ({select})"
        )
    except duckdb.Error:
        return None
    count: int = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return count
