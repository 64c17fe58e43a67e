"""Tables joined to the accounts table, joined by DuckDB as joins.py joins them:
each joined row's mapped columns go to the account row as `table.column`, matched
on the join's keys compared as text (a bigint foreign key meets a text id), null
when no joined row matches.

The raw tables are the ones duck_rows.py and postgres_copy.py write: `pos` and a
column per real column, JSON (a fixture's values) or text of the type a tag says
(`Tags`: a CSV's values, a COPY's). `join_raw` returns None whenever the result
would differ from joins.py's: a key holding a value joins.py reads as other text
(a boolean, a number with a fraction, a time), or a key matching several joined
rows (joins.py picks one by value and notes it). The caller then reads the rows
the Python way.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prodcheck.mapping import TableConfig
from prodcheck.sources.rows_sql import identifier

Tags = dict[str, str]  # column -> the type of its text; a column not named is JSON

# JSON values whose text str() gives as JSON has it: strings and whole numbers.
_JSON_KEYS = ("'VARCHAR'", "'BIGINT'", "'UBIGINT'", "'NULL'")


def _key(column: str, tags: Tags, alias: str = "") -> tuple[str, str] | None:
    """(the key's text as joins.py compares it, whether it is one this SQL reads),
    or None for a column whose every value joins.py reads otherwise."""
    value = f"{alias}{identifier(column)}"
    tag = tags.get(column)
    if tag is None:
        return (
            f"CASE WHEN json_type({value}) <> 'NULL' THEN json_extract_string({value}, '$') END",
            f"({value} IS NULL OR json_type({value}) IN ({', '.join(_JSON_KEYS)}))",
        )
    if tag in ("VARCHAR", "BIGINT"):
        return value, "true"
    return None


def join_raw(
    conn: Any, out: str, table: TableConfig, own: tuple[str, Tags], joined: list[tuple[str, Tags]]
) -> Tags | None:
    """Write `out(pos, <own columns>, "<table>.<column>" ...)` from the raw table of
    the accounts' own columns and one raw table per join (in table.joins' order);
    the tags of its columns, or None when joins.py is to join them."""
    own_raw, own_tags = own
    tags = dict(own_tags)
    selected = [f"a.{identifier(c)}" for c in table.own_columns()]
    sources = [f"{own_raw} a"]
    checks = []
    for index, (join, (raw, join_tags)) in enumerate(zip(table.joins, joined, strict=True)):
        alias = f"j{index}"
        theirs = [_key(column, join_tags) for column, _ in join.on]
        ours = [_key(table.columns.get(field) or field, own_tags, "a.") for _, field in join.on]
        if None in theirs or None in ours:
            return None
        their_keys = [key for key in theirs if key is not None]
        our_keys = [key for key in ours if key is not None]
        texts = ", ".join(f"{text} AS k{n}" for n, (text, _) in enumerate(their_keys))
        names = ", ".join(f"k{n}" for n in range(len(their_keys)))
        present = " AND ".join(f"k{n} IS NOT NULL" for n in range(len(their_keys)))
        checks += [
            f"SELECT bool_and({' AND '.join(ok for _, ok in their_keys)}) FROM {raw}",
            f"SELECT bool_and({' AND '.join(ok for _, ok in our_keys)}) FROM {own_raw} a",
            # a key of several rows: joins.py chooses one by value, and notes it
            f"SELECT NOT EXISTS (SELECT {names} FROM (SELECT {texts} FROM {raw}) "
            f"WHERE {present} GROUP BY {names} HAVING count(*) > 1)",
        ]
        on = " AND ".join(f"{alias}.k{n} = {text}" for n, (text, _) in enumerate(our_keys))
        inner = ", ".join(identifier(c) for c in join.columns(table.columns))
        sources.append(f"LEFT JOIN (SELECT {inner}, {texts} FROM {raw}) {alias} ON {on}")
        for name in dict.fromkeys(c for _, c in table.columns.items() if table.join_of(c) == join):
            column = name[len(join.table) + 1 :]
            selected.append(f"{alias}.{identifier(column)} AS {identifier(name)}")
            if column in join_tags:
                tags[name] = join_tags[column]
    for check in checks:
        if conn.execute(check).fetchall()[0][0] is False:
            return None
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT a.pos, {', '.join(selected)} "
        f"FROM {' '.join(sources)} ORDER BY a.pos"
    )
    for raw, _ in (own, *joined):
        conn.execute(f"DROP TABLE {raw}")
    return tags


def copy_joined(
    duck: Any, config: TableConfig, raw: str, copy: Callable[[TableConfig, str], Tags | None]
) -> Tags | None:
    """Write the raw table `raw` of a table and the tables joined to it, each copied
    by `copy(table, raw table)` (a database's reader), then joined by join_raw; the
    tags of its columns, or None when the rows are to be read the Python way."""
    if not config.joins:
        return copy(config, raw)
    own = copy(config.plain(), f"{raw}_own")
    return None if own is None else join_tables(duck, config, raw, own, copy)


def join_tables(
    duck: Any,
    config: TableConfig,
    raw: str,
    own: Tags,
    copy: Callable[[TableConfig, str], Tags | None],
) -> Tags | None:
    """With the table's own columns in `<raw>_own` (of those tags), copy each table
    joined to it by `copy` and join them all into `raw` (join_raw)."""
    joined = []
    for index, (_, table) in enumerate(config.joined()):
        tags = copy(table, f"{raw}_join_{index}")
        if tags is None:
            return None
        joined.append((f"{raw}_join_{index}", tags))
    return join_raw(duck, raw, config, (f"{raw}_own", own), joined)
