"""Rows of a JSON fixture that lack some of the table's mapped keys: read as null
(as a null is), they may hide drift (a plan read as no plan), so the report names
them in a warning. Python's scan is here; duck_fixtures.lacking_keys gives the
same answer from the file's own text, for the SQL reader.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Rows lacking some mapped keys: how many, and the first LACKING_SHOWN of them
# (their index in the file, the keys each lacks).
Lacking = tuple[int, list[tuple[int, list[str]]]]
LACKING_SHOWN = 3


def lacking_keys_in(rows: Sequence[Any], keys: list[str]) -> Lacking:
    """The row objects lacking some of these keys (read as null, as a null is)."""
    lacking = [
        (index, missing)
        for index, row in enumerate(rows)
        if isinstance(row, dict) and (missing := [key for key in keys if key not in row])
    ]
    return len(lacking), lacking[:LACKING_SHOWN]


def lacking_note(shown: str, total: int, lacking: Lacking) -> list[str]:
    """The warning naming rows that lack mapped keys: read as null, they may hide
    drift (a plan read as no plan), so the report says so, never silently."""
    count, first = lacking
    if not count:
        return []
    listed = "; ".join(f"{shown}[{index}] lacks {', '.join(keys)}" for index, keys in first)
    more = f"; {count - len(first)} more" if count > len(first) else ""
    return [
        f"warning: {count} of {total} rows of {shown} lack a mapped column's key, read as "
        f"null: {listed}{more}. Write the key with null where a row has no value, or fix "
        "the column mapping."
    ]
