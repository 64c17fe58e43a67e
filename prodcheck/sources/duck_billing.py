"""Provider fixture files read by DuckDB and normalized by SQL (stripe_sql.py,
paddle_sql.py), into the billing_* tables of a DuckDB connection the engine then
reads (the default; `PRODCHECK_LOADER=python` reads them the old way, while this
path is proved against fixtures.py). The BillingState returned holds no objects:
they stay in the tables, and the engine reads back only those its messages need
(billing_objects.py).

`read_billing_folder` returns None whenever the SQL path would not read the folder
exactly as fixtures.py and the provider's normalizer do (a missing required file,
a byte-order mark, a nesting DuckDB's reader refuses, an object of another shape
than the API's own): the caller then reads it the Python way, which also names
each problem.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from prodcheck.bundled import display_path
from prodcheck.model import BillingState, Provider, SourceInfo
from prodcheck.sources import paddle_sql, stripe_sql
from prodcheck.sources.duck_fixtures import raw_table
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
    counts: dict[str, int] = {}
    for name, columns in sql.raw_columns.items():
        path = collection_file(base, name, (".json", ".ndjson"))
        if not path.is_file():
            if name not in sql.optional:  # a required file: fixtures.py says it is missing
                return None
            continue
        count = raw_table(conn, f"raw_{provider.value}_{name}", path, columns)
        if count is None:
            return None
        counts[name] = count
    ensure_macros(conn)
    for statement in sql.statements(frozenset(counts)):
        conn.execute(statement)
    for name in counts:  # normalized: their memory back before the engine runs
        conn.execute(f"DROP TABLE raw_{provider.value}_{name}")
    if conn.execute(f"SELECT count(*) FROM {sql.unread}").fetchall()[0][0]:
        return None
    info = SourceInfo(
        side="billing",
        kind="fixture",
        location=display_path(base),
        counts=dict(sorted(counts.items())),
    )
    # The objects stay in the tables: the engine reads back the few its messages need.
    return BillingState(provider=provider, loaded=frozenset(counts)), info
