"""An app table's CSV fixture read by DuckDB into a raw table of text columns, as
fixtures.py's csv.DictReader reads it: `raw(pos, "<column>" VARCHAR, ...)`, each
column of the header; a value a short row lacks is null, an empty one ''.

`raw_csv` returns None whenever DuckDB might not read the file exactly as Python
does: a file holding a quote (DuckDB's reader accepts quoting Python's refuses,
such as a blank after a closing quote, and reads an unclosed quote at the end as
no row at all), a row with more values than the header, a header that is not one
line of distinct names, text that is not UTF-8, a line break DuckDB refuses, a
line longer than Python's longest field, a file holding the null marker below.
fixtures.py then reads it, and names each problem. Most exports quote nothing:
an id, a flag, a time or a plan never needs it.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

import csv
import mmap
from pathlib import Path
from typing import Any

from prodcheck.sources.duck_fixtures import quoted
from prodcheck.sources.rows_sql import identifier

_BOM = b"\xef\xbb\xbf"
# DuckDB reads a missing value (a short row) and an empty one alike unless told a
# null text: this one, which no file here holds (one that does goes to Python).
_NULL = "\x01prodcheck-null\x02"
# One column beyond the header: a row holding a value there has more values than
# the header names (Python refuses it; DuckDB would drop an empty last one).
_EXTRA = "\x01prodcheck-extra"


def header(path: Path) -> list[str] | None:
    """The header's names, when it is one line of distinct, unquoted, non-empty
    names (else None: Python reads the file)."""
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


def _longest() -> int:
    """The longest line DuckDB reads: Python's csv refuses a longer field (its
    field_size_limit), and a line no longer holds none."""
    return csv.field_size_limit()


def _holds(path: Path, needle: bytes) -> bool:
    if not path.stat().st_size:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return m.find(needle) >= 0


def raw_csv(conn: Any, table: str, path: Path, wanted: list[str], names: list[str]) -> int | None:
    """Create `table(pos, <wanted>)` from a CSV fixture whose header holds `names`
    (`header`), every column text (null when the header lacks it); the row count,
    or None when Python is to read the file (see the module's doc)."""
    import duckdb

    if _holds(path, b'"') or _holds(path, _NULL.encode()):
        return None
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
    try:
        conn.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT row_number() OVER () - 1 AS pos, "
            f"{selected}, {identifier(_EXTRA)} IS NOT NULL AS _extra FROM {source}"
        )
    except duckdb.OutOfMemoryException:
        raise  # the memory limit's to raise, not a file for Python to read
    except duckdb.Error:
        return None
    count, extra = conn.execute(f"SELECT count(*), bool_or(_extra) FROM {table}").fetchall()[0]
    if extra:
        return None
    conn.execute(f"ALTER TABLE {table} DROP COLUMN _extra")
    return int(count)
