"""Fixture files read by DuckDB into raw tables: one provider object per row, with
its position in its file, in the columns the provider's SQL declares
(stripe_sql.RAW_COLUMNS): `raw_<provider>_<collection>(pos, ...)`.

A collection's file is `<provider>/<collection>.json` (a JSON array, or a list
object whose `data` holds the objects) or `<provider>/<collection>.ndjson` (one
object per line, for large folders). What DuckDB cannot read as such, or would
read where JSON does not (malformed JSON, a comma before a closing brace, a
byte-order mark, a list object saying `has_more`, a nesting other than the
declared one), is left to fixtures.py and the provider's normalizer, whose
messages name the file and line and column, or the object and key path:
`raw_table` then returns None.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prodcheck.sources.fixtures import read_json_list
from prodcheck.sources.lacking import LACKING_SHOWN, Lacking

_PEEK = 4096
# DuckDB's JSON reader accepts a comma before a closing brace, which JSON (and
# Python's reader) refuses: a file holding one goes to Python, which names it.
# Inside a string the pattern is harmless: Python then reads the file as well.
_TRAILING_COMMA = r",[ \t\n\r]*[}\]]"
_BLANKS = b" \t\n\r"
_CHUNK = 1 << 24


def first_character(path: Path) -> str | None:
    """The first non-blank character of the file, or None for a byte-order mark or
    an empty file (read by fixtures.py)."""
    with path.open("rb") as handle:
        head = handle.read(_PEEK)
    if head.startswith(b"\xef\xbb\xbf"):
        return None
    text = head.lstrip()
    return chr(text[0]) if text else None


def _trailing_comma(path: Path) -> bool:
    """Whether the file holds `,}` or `,]` (blanks between). A small file is
    scanned by Python's re; a large one by RE2 through pyarrow (five times as
    fast, and pyarrow.compute costs 75 ms to import) in chunks of 16 MiB, a chunk
    whose last non-blank byte is a comma handing the comma on to the next."""
    if path.stat().st_size <= _CHUNK:
        return re.search(_TRAILING_COMMA.encode(), path.read_bytes()) is not None
    import pyarrow as pa
    import pyarrow.compute as pc

    carried = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            text = carried + chunk
            offsets = pa.array([0, len(text)], pa.int64()).buffers()[1]
            value = pa.LargeBinaryArray.from_buffers(
                pa.large_binary(), 1, [None, offsets, pa.py_buffer(text)]
            )  # the chunk itself, not a copy
            if pc.match_substring_regex(value, _TRAILING_COMMA)[0].as_py():
                return True
            carried = b"," if text.rstrip(_BLANKS).endswith(b",") else b""
    return False


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def raw_table(conn: Any, table: str, path: Path, columns: dict[str, str]) -> int | None:
    """Create `table(pos, <columns>)` from a fixture file, each column of its declared
    type (a key the file lacks is null); the object count, or None when the file is
    not plain JSON of that layout and nesting (then fixtures.py reads it)."""
    import duckdb

    first = first_character(path)
    if first is None or _trailing_comma(path):
        return None
    declared = "{" + ", ".join(f"{quoted(k)}: {quoted(v)}" for k, v in columns.items()) + "}"
    source = quoted(str(path))
    if path.suffix == ".ndjson" and first == "{":
        select = (
            f"SELECT * FROM read_json({source}, format = 'newline_delimited', columns = {declared})"
        )
    elif path.suffix != ".ndjson" and first == "[":
        select = f"SELECT * FROM read_json({source}, format = 'array', columns = {declared})"
    elif path.suffix != ".ndjson" and first == "{":
        listing = (
            f"read_json({source}, format = 'unstructured', columns = "
            f"{{'data': {quoted(_list_of(columns))}, 'has_more': 'JSON'}})"
        )
        try:
            header = conn.execute(f"SELECT data IS NOT NULL, has_more FROM {listing}").fetchall()
        except duckdb.Error:
            return None
        if header != [(True, "false")] and header != [(True, None)]:
            return None  # not a list object, or one page of several: fixtures.py says so
        select = f"SELECT unnest(o) FROM (SELECT unnest(data) AS o FROM {listing})"
    else:
        return None
    if not numbered_table(conn, table, "*", f"({select})"):
        return None
    count: int = conn.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return count


def _layout(path: Path) -> str | None:
    """The read_json_objects format of a file raw_table read: one object per line,
    or an array; None for a list object (its objects are in `data`)."""
    if path.suffix == ".ndjson":
        return "newline_delimited"
    return "array" if first_character(path) == "[" else None


def objects_at(conn: Any, path: Path, positions: list[int]) -> list[Any]:
    """The objects at these positions of a file raw_table read, in that order, each
    parsed by Python's json from its own text (as DuckDB's reader found it in the
    file): the objects the SQL leaves to a Python normalizer. A list object's are
    taken from the whole file, parsed by Python (DuckDB would re-write them)."""
    import pyarrow as pa

    source, layout = quoted(str(path)), _layout(path)
    if layout is None:
        found = read_json_list(path)
        return [found[pos] for pos in positions]
    conn.register("wanted_positions", pa.table({"pos": pa.array(positions, pa.int64())}))
    texts = dict(
        conn.execute(
            "SELECT pos, json FROM (SELECT row_number() OVER () - 1 AS pos, json "
            f"FROM read_json_objects({source}, format = '{layout}')) "
            "WHERE pos IN (SELECT pos FROM wanted_positions)"
        ).fetchall()
    )
    conn.unregister("wanted_positions")
    return [json.loads(texts[pos]) for pos in positions]


def numbered_table(conn: Any, table: str, columns: str, source: str) -> bool:
    """`CREATE table AS SELECT pos, <columns> FROM <source>`, pos each row's place
    in its file; False when DuckDB's reader refuses the file (Python then reads
    it). Running out of memory under the limit is the limit's to raise."""
    import duckdb

    try:
        conn.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT row_number() OVER () - 1 AS pos, {columns} FROM {source}"
        )
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error:
        return False
    return True


def empty_raw_table(table: str, columns: dict[str, str]) -> str:
    """The statement creating `table(pos, <columns>)` with no row: the raw table of
    a collection a source holds no object of."""
    declared = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
    return f"CREATE OR REPLACE TEMP TABLE {table} (pos BIGINT, {declared})"


def _list_of(columns: dict[str, str]) -> str:
    fields = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
    return f"STRUCT({fields})[]"


def keys_present(conn: Any, path: Path, keys: list[str]) -> bool:
    """Whether each key is a key of some object of the file (read by raw_table,
    where a key's column is null both when it is absent and when it holds null)."""
    source, layout = quoted(str(path)), _layout(path)
    if layout is not None:
        objects = f"SELECT json AS o FROM read_json_objects({source}, format = '{layout}')"
    else:
        objects = (
            "SELECT unnest(json_extract(json, '$.data[*]')) AS o "
            f"FROM read_json_objects({source}, format = 'unstructured')"
        )
    found = ", ".join(f"bool_or(list_contains(json_keys(o), {quoted(key)}))" for key in keys)
    return all(conn.execute(f"SELECT {found} FROM ({objects})").fetchall()[0])


def lacking_keys(conn: Any, path: Path, keys: list[str]) -> Lacking:
    """The rows of a JSON or NDJSON file (read by raw_table) lacking some of these
    keys, which DuckDB's reader reads as it reads a null: fixtures.lacking_keys_in's
    answer, from the file's own text."""
    source, layout = quoted(str(path)), _layout(path)
    if layout is not None:
        objects = (
            "SELECT row_number() OVER () - 1 AS pos, json AS o "
            f"FROM read_json_objects({source}, format = '{layout}')"
        )
    else:
        objects = (
            "SELECT generate_subscripts(rows, 1) - 1 AS pos, unnest(rows) AS o FROM "
            "(SELECT json_extract(json, '$.data[*]') AS rows "
            f"FROM read_json_objects({source}, format = 'unstructured'))"
        )
    wanted = "[" + ", ".join(quoted(key) for key in keys) + "]"
    found = conn.execute(
        f"SELECT pos, list_filter({wanted}, lambda x: NOT list_contains(k, x)), count(*) OVER () "
        f"FROM (SELECT pos, json_keys(o) AS k FROM ({objects}) WHERE json_type(o) = 'OBJECT') "
        f"WHERE NOT list_has_all(k, {wanted}) ORDER BY pos LIMIT {LACKING_SHOWN}"
    ).fetchall()
    return (found[0][2] if found else 0), [(pos, list(lacking)) for pos, lacking, _ in found]


@contextmanager
def staging(conn: Any, prefix: str) -> Iterator[Path]:
    """A private directory for files DuckDB is to read (a copied table's rows, a
    live run's pages), removed afterwards: inside the run's temp_directory (where
    DuckDB spills: engine.temp_directory, or the private one prodcheck makes), not
    the system's temp, which may be memory (a tmpfs) and would hold a gigabyte of
    pages there."""
    setting = conn.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
    base = Path(setting) if setting and Path(setting).is_absolute() else None
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=prefix, dir=base) as folder:
        yield Path(folder)
