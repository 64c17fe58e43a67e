"""An app table's CSV fixture read into a DuckDB raw table of text columns, as
fixtures.py's csv.DictReader reads it: `raw(pos, "<column>" VARCHAR, ...)`, each
wanted column of the header; an empty value is ''.

A file of plain lines (no quote anywhere, a header of distinct names) is read by
DuckDB's own CSV reader, in parallel. Any other is parsed by Python's csv module
itself, exactly as DictReader parses it, and appended through Arrow in batches:
DuckDB's reader accepts quoting Python's refuses (a blank after a closing
quote) and reads an unclosed quote at the end as no row at all (both found by
tests/test_csv_joins_sql.py's mutations), so quoting is left to the parser that
defines it.

`raw_csv` returns None for a file DictReader refuses (a row with more or fewer
values than the header, quoting it rejects, text that is not UTF-8, a field over
its size limit): fixtures.py then reads it, and names the line.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

import csv
import mmap
from pathlib import Path
from typing import Any

from prodcheck.sources.duck_fixtures import numbered_table, quoted
from prodcheck.sources.rows_sql import identifier

_BOM = b"\xef\xbb\xbf"
BATCH = 50_000  # rows the csv module parses between appends
# DuckDB reads a missing value (a short row) and an empty one alike unless told a
# null text: this one (a file holding it goes to the csv module).
_NULL = "\x01prodcheck-null\x02"
# One column beyond the header: a row holding a value there has more values than
# the header names (Python refuses it; DuckDB would drop an empty last one).
_EXTRA = "\x01prodcheck-extra"


def header(path: Path) -> list[str] | None:
    """The header's names, when it is one line of distinct, unquoted, non-empty
    names that DuckDB's reader takes (else None: the csv module parses the file)."""
    with path.open("rb") as handle:
        line = handle.readline()
    if line.startswith(_BOM):
        line = line[len(_BOM) :]
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    text = text.rstrip("\r\n")
    if not text or '"' in text or "\r" in text:
        return None
    names = next(csv.reader([text]))
    folded = {name.lower() for name in names}  # DuckDB's names ignore case
    if "" in names or len(folded) != len(names):
        return None
    return names


def names_of(path: Path) -> list[str]:
    """The header's names as DictReader reads them (the first record, quoted or
    not); none for a file it cannot read."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return next(csv.reader(handle, strict=True), [])
    except (csv.Error, UnicodeDecodeError):
        return []


def _longest() -> int:
    """The longest line DuckDB reads: Python's csv refuses a longer field (its
    field_size_limit), and a line no longer holds none."""
    return csv.field_size_limit()


def _holds(path: Path, needle: bytes) -> bool:
    if not path.stat().st_size:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return m.find(needle) >= 0


def raw_csv(conn: Any, table: str, path: Path, wanted: list[str]) -> tuple[int, list[str]] | None:
    """Create `table(pos, <wanted>)` from a CSV fixture, every column text (null
    when the header lacks it); the row count and the header's names, or None when
    fixtures.py is to read the file (see the module's doc)."""
    names = header(path)
    if names is None or _holds(path, b'"') or _holds(path, _NULL.encode()):
        return _by_csv_module(conn, table, path, wanted)
    count = _by_duckdb(conn, table, path, wanted, names)
    return None if count is None else (count, names)


def _by_duckdb(
    conn: Any, table: str, path: Path, wanted: list[str], names: list[str]
) -> int | None:
    declared = ", ".join(f"{quoted(name)}: 'VARCHAR'" for name in [*names, _EXTRA])
    selected = ", ".join(
        identifier(name) if name in names else f"NULL::VARCHAR AS {identifier(name)}"
        for name in wanted
    )
    source = (
        f"read_csv({quoted(str(path))}, header = true, columns = {{{declared}}}, "
        "delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"null_padding = true, strict_mode = true, nullstr = {quoted(_NULL)}, "
        f"allow_quoted_nulls = false, encoding = 'utf-8', max_line_size = {_longest()})"
    )
    # a row with more values than the header holds one in the extra column; one
    # with fewer, none in the header's last (padded with null: an empty value is '')
    flagged = (
        f"{selected}, {identifier(_EXTRA)} IS NOT NULL OR {identifier(names[-1])} IS NULL "
        "AS _ragged"
    )
    if not numbered_table(conn, table, flagged, source):
        return None
    count, ragged = conn.execute(f"SELECT count(*), bool_or(_ragged) FROM {table}").fetchall()[0]
    if ragged:
        return None
    conn.execute(f"ALTER TABLE {table} DROP COLUMN _ragged")
    return int(count)


def _by_csv_module(
    conn: Any, table: str, path: Path, wanted: list[str]
) -> tuple[int, list[str]] | None:
    """The file parsed by Python's csv module itself, as fixtures.py's DictReader
    parses it (so quoting means exactly what it means there), the wanted columns
    appended to `table` in batches of BATCH rows through Arrow: no dict per row.
    None for a file DictReader refuses (fixtures.py names the line)."""
    import pyarrow as pa

    typed = ", ".join(f"{identifier(name)} VARCHAR" for name in wanted)
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {table} (pos BIGINT, {typed})")
    count = 0
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            names = next(reader, [])
            # DictReader keys a row by name: of two equal names, the last one's value
            where = {name: index for index, name in enumerate(names)}
            columns = [where.get(name) for name in wanted]
            width = len(names)
            while True:
                batch = []
                for row in reader:
                    if not row:
                        continue  # DictReader skips an empty line
                    if len(row) != width:
                        return None  # more or fewer values than header columns: fixtures.py says so
                    batch.append(row)
                    if len(batch) == BATCH:
                        break
                if not batch:
                    break
                arrays = [pa.array(range(count, count + len(batch)), pa.int64())]
                for index in columns:
                    values = (
                        [None] * len(batch)
                        if index is None
                        else [row[index] if index < len(row) else None for row in batch]
                    )
                    arrays.append(pa.array(values, pa.string()))
                frame = pa.Table.from_arrays(arrays, names=["pos", *wanted])
                conn.register("prodcheck_csv_batch", frame)
                conn.execute(f"INSERT INTO {table} SELECT * FROM prodcheck_csv_batch")
                conn.unregister("prodcheck_csv_batch")
                count += len(batch)
    except (csv.Error, UnicodeDecodeError):
        return None
    return count, names
