"""Tables joined to the accounts table, the same way for every backend: each joined
table is read on its own (its keys and the columns the config maps to it), then each
account row gets those columns as `table.column`, matched on the join's keys compared
as text (a bigint foreign key meets a text id). No view, no DDL: read-only reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prodcheck.mapping import Join, TableConfig

Row = dict[str, Any]
Key = tuple[str | None, ...]


def _key(values: Iterable[Any]) -> Key:
    return tuple(None if v is None else str(v) for v in values)


def _index(join: Join, rows: Iterable[Row]) -> tuple[dict[Key, Row], int]:
    """Key -> the joined row; when several rows share a key, the least by their values
    (so the choice does not depend on the order a database returned them), and how many
    keys had several."""
    found: dict[Key, list[Row]] = {}
    for row in rows:
        key = _key(row.get(column) for column, _ in join.on)
        if None not in key:
            found.setdefault(key, []).append(row)
    chosen = {
        key: min(group, key=lambda r: _key(r.values())) if len(group) > 1 else group[0]
        for key, group in found.items()
    }
    return chosen, sum(1 for group in found.values() if len(group) > 1)


def joined_rows(
    rows: Iterable[Row], table: TableConfig, read: Callable[[TableConfig], Iterable[Row]]
) -> tuple[Iterator[Row], list[str]]:
    """The table's rows with every joined column added as `table.column` (None when no
    joined row matches), and notes on keys that matched several rows. `read` reads a
    plain table config (the joined tables are read before the rows are streamed)."""
    lookups: list[tuple[Join, list[str], dict[Key, Row]]] = []
    notes: list[str] = []
    for join, config in table.joined():
        chosen, several = _index(join, read(config))
        columns = join.columns(table.columns)
        lookups.append((join, columns, chosen))
        if several:
            notes.append(
                f"join {join.table}: {several} key(s) match several rows; the first by value "
                "is used (narrow the join with its where)"
            )

    def merged() -> Iterator[Row]:
        for row in rows:
            out = dict(row)
            for join, columns, chosen in lookups:
                key = _key(row.get(table.columns.get(field) or field) for _, field in join.on)
                other = chosen.get(key, {})
                for column in columns:
                    out[f"{join.table}.{column}"] = other.get(column)
            yield out

    return merged(), notes
