"""Provider objects read by DuckDB and normalized by SQL (stripe_sql.py,
paddle_sql.py), into the billing_* tables of a DuckDB connection the engine then
reads: fixture files (`read_billing_folder`), and the objects a live source
fetched (`read_billing_lines`), through the same SQL. This is the default;
`PRODCHECK_LOADER=python` reads them the old way, while this path is proved
against fixtures.py and the normalizers. The BillingState returned holds no
objects: they stay in the tables, and the engine reads back only those its
messages need (billing_objects.py).

`read_billing_folder` returns None whenever the SQL path would not read the folder
exactly as fixtures.py and the provider's normalizer do (a missing required file,
a byte-order mark, a nesting DuckDB's reader refuses, an object of another shape
than the API's own): the caller then reads it the Python way, which also names
each problem.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from prodcheck.bundled import display_path
from prodcheck.model import BillingState, Provider, SourceInfo
from prodcheck.sources import paddle_sql, stripe_sql
from prodcheck.sources.duck_fixtures import empty_raw_table, raw_table, staging
from prodcheck.sources.duck_macros import ensure_macros
from prodcheck.sources.fixtures import collection_file


class ProviderSql(NamedTuple):
    raw_columns: dict[str, dict[str, str]]  # collection -> its raw table's columns
    optional: tuple[str, ...]  # collections a folder may lack
    statements: Callable[[frozenset[str]], tuple[str, ...]]  # for the collections present
    unread: str  # the table listing the objects the SQL leaves to Python


SQL = {
    Provider.STRIPE: ProviderSql(
        stripe_sql.RAW_COLUMNS, stripe_sql.OPTIONAL, stripe_sql.statements, "stripe_unread"
    ),
    Provider.PADDLE: ProviderSql(
        paddle_sql.RAW_COLUMNS, (), lambda present: paddle_sql.STATEMENTS, "paddle_unread"
    ),
}


def read_billing_folder(
    conn: Any, folder: Path, provider: Provider
) -> tuple[BillingState, SourceInfo] | None:
    sql = SQL[provider]
    base = folder / provider.value
    if not base.is_dir():
        return None
    paths: dict[str, Path] = {}
    for name in sql.raw_columns:
        path = collection_file(base, name, (".json", ".ndjson"))
        if not path.is_file():
            if name not in sql.optional:  # a required file: fixtures.py says it is missing
                return None
            continue
        paths[name] = path
    counts = _normalize(conn, provider, paths)
    if counts is None:
        return None
    info = SourceInfo(
        side="billing",
        kind="fixture",
        location=display_path(base),
        counts=dict(sorted(counts.items())),
    )
    # The objects stay in the tables: the engine reads back the few its messages need.
    return BillingState(provider=provider, loaded=frozenset(counts)), info


def read_billing_lines(
    conn: Any, lines: dict[str, list[str]], provider: Provider
) -> tuple[BillingState | None, dict[str, list[dict[str, Any]]]]:
    """The objects a live source fetched, each as the JSON text the API sent
    (collection -> texts, in order), normalized by the same SQL as fixture files:
    each collection written to a private NDJSON file and read from it. `lines` is
    emptied as its texts are written (their memory back before DuckDB reads
    them). (the state, {}) or, when the SQL would not read them exactly as the
    provider's normalizer does, (None, the objects parsed back from the files) for
    the normalizer."""
    sql = SQL[provider]
    names = list(lines)
    if set(names) - set(sql.raw_columns) or set(sql.raw_columns) - set(names) - set(sql.optional):
        return None, {name: [json.loads(text) for text in lines.pop(name)] for name in names}
    raw: dict[str, list[dict[str, Any]]] = {}
    with staging(conn, "prodcheck-pages-") as folder:
        paths: dict[str, Path] = {}
        empty = []
        for name in names:
            texts = lines.pop(name)
            path = Path(folder) / f"{name}.ndjson"
            with path.open("w", encoding="utf-8") as out:
                for start in range(0, len(texts), 10_000):
                    out.write("".join(text + "\n" for text in texts[start : start + 10_000]))
            if texts:
                paths[name] = path
            else:
                empty.append(name)  # an empty collection: an empty raw table
            del texts
        counts = _normalize(conn, provider, paths, empty)
        if counts is None:
            for name in names:
                with (Path(folder) / f"{name}.ndjson").open(encoding="utf-8") as read:
                    raw[name] = [json.loads(line) for line in read]
            return None, raw
    return BillingState(provider=provider, loaded=frozenset(counts)), raw


def _normalize(
    conn: Any, provider: Provider, paths: dict[str, Path], empty: Sequence[str] = ()
) -> dict[str, int] | None:
    """Read each collection's file into its raw table (an `empty` one holds no
    object) and normalize them into the billing_* tables; the object counts, or
    None when Python is to read them."""
    sql = SQL[provider]
    counts: dict[str, int] = {}
    for name, path in paths.items():
        count = raw_table(conn, f"raw_{provider.value}_{name}", path, sql.raw_columns[name])
        if count is None:
            return None
        counts[name] = count
    for name in empty:
        conn.execute(empty_raw_table(f"raw_{provider.value}_{name}", sql.raw_columns[name]))
        counts[name] = 0
    ensure_macros(conn)
    for statement in sql.statements(frozenset(counts)):
        conn.execute(statement)
    for name in counts:  # normalized: their memory back before the engine runs
        conn.execute(f"DROP TABLE raw_{provider.value}_{name}")
    if conn.execute(f"SELECT count(*) FROM {sql.unread}").fetchall()[0][0]:
        return None
    return counts
