"""Stripe fixture files read by DuckDB and normalized by SQL (stripe_sql.py), into
the billing_* tables of a DuckDB connection the engine then reads (the switch
`PRODCHECK_LOADER=duckdb`, while this path is proved against fixtures.py). The
BillingState returned holds no objects: they stay in the tables, and the engine
reads back only those its messages need (billing_objects.py).

`read_stripe_folder` returns None whenever the SQL path would not read the folder
exactly as fixtures.py and stripe_normalize.py do (a missing required file, a
byte-order mark, a nesting DuckDB's reader refuses, an object of another shape
than the API's own): the caller then reads it the Python way, which also names
each problem.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prodcheck.bundled import display_path
from prodcheck.model import BillingState, Provider, SourceInfo
from prodcheck.sources.duck_fixtures import raw_table
from prodcheck.sources.duck_macros import ensure_macros
from prodcheck.sources.fixtures import collection_file
from prodcheck.sources.stripe_sql import OPTIONAL, RAW_COLUMNS, statements


def read_stripe_folder(conn: Any, folder: Path) -> tuple[BillingState, SourceInfo] | None:
    base = folder / "stripe"
    if not base.is_dir():
        return None
    counts: dict[str, int] = {}
    for name, columns in RAW_COLUMNS.items():
        path = collection_file(base, name, (".json", ".ndjson"))
        if not path.is_file():
            if name not in OPTIONAL:  # a required file: fixtures.py says it is missing
                return None
            continue
        count = raw_table(conn, f"raw_stripe_{name}", path, columns)
        if count is None:
            return None
        counts[name] = count
    ensure_macros(conn)
    for statement in statements(frozenset(counts)):
        conn.execute(statement)
    for name in counts:  # normalized: their memory back before the engine runs
        conn.execute(f"DROP TABLE raw_stripe_{name}")
    if conn.execute("SELECT count(*) FROM stripe_unread").fetchall()[0][0]:
        return None
    info = SourceInfo(
        side="billing",
        kind="fixture",
        location=display_path(base),
        counts=dict(sorted(counts.items())),
    )
    # The objects stay in the tables: the engine reads back the few its messages need.
    return BillingState(provider=Provider.STRIPE, loaded=frozenset(counts)), info
