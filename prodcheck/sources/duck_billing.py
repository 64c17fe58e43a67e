"""Provider objects read by DuckDB and normalized by SQL (stripe_sql.py,
paddle_sql.py), into the billing_* tables of a DuckDB connection the engine then
reads: fixture files (`read_billing_folder`), and the objects a live source
fetched (`read_billing_lines`), through the same SQL. The BillingState returned
holds no objects: they stay in the tables, and the engine reads back only those
its messages need (billing_objects.py).

What the SQL does not read exactly as the provider's Python normalizer does (an
object of another shape than the API's own, listed by the SQL as unread; every
object of a file DuckDB's reader refuses: a byte-order mark, a nesting other than
the declared one, malformed JSON) is read by the normalizer instead, object by
object, and put in its place in the tables (billing_store.py): one odd object
costs one object's Python, never the file's. The normalizer and fixtures.py name
each problem of bad input, by file, object and key path.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from prodcheck.billing_store import place
from prodcheck.bundled import display_path
from prodcheck.model import BillingState, Provider, SourceInfo
from prodcheck.sources import paddle_sql, stripe_sql
from prodcheck.sources.duck_fixtures import empty_raw_table, objects_at, raw_table, staging
from prodcheck.sources.duck_macros import ensure_macros
from prodcheck.sources.fixtures import (
    NORMALIZERS,
    billing_info,
    collection_paths,
    fixture_errors,
    read_json_list,
)


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
        paddle_sql.RAW_COLUMNS, paddle_sql.OPTIONAL, paddle_sql.statements, "paddle_unread"
    ),
}


def read_billing_folder(
    conn: Any, folder: Path, provider: Provider
) -> tuple[BillingState, SourceInfo]:
    """The fixture folder's objects, normalized into `conn`'s billing tables; what
    cannot be read raises the errors fixtures.py raises, named alike."""
    files = collection_paths(folder, provider)  # each file read as its turn comes
    with fixture_errors():
        counts = _normalize(conn, provider, files, {})
    # The objects stay in the tables: the engine reads back the few its messages need.
    return BillingState(provider=provider, loaded=frozenset(counts)), billing_info(
        folder, provider, counts
    )


def read_billing_lines(
    conn: Any, lines: dict[str, list[str]], provider: Provider, origins: Mapping[str, str]
) -> tuple[BillingState | None, dict[str, list[dict[str, Any]]]]:
    """The objects a live source fetched, each as the JSON text the API sent
    (collection -> texts, in order; `origins` names where each collection came
    from), normalized by the same SQL as fixture files: each collection written
    to a private NDJSON file and read from it. `lines` is emptied as its texts are
    written (their memory back before DuckDB reads them). (the state, {}); or, for
    collections the SQL does not know, (None, the objects parsed) for the
    provider's normalizer."""
    sql = SQL[provider]
    names = list(lines)
    if set(names) - set(sql.raw_columns) or set(sql.raw_columns) - set(names) - set(sql.optional):
        return None, {name: [json.loads(text) for text in lines.pop(name)] for name in names}
    with staging(conn, "prodcheck-pages-") as folder:
        files: list[tuple[str, Path]] = []
        empty = []
        for name in names:
            texts = lines.pop(name)
            path = Path(folder) / f"{name}.ndjson"
            with path.open("w", encoding="utf-8") as out:
                for start in range(0, len(texts), 10_000):
                    out.write("".join(text + "\n" for text in texts[start : start + 10_000]))
            if texts:
                files.append((name, path))
            else:
                empty.append(name)  # an empty collection: an empty raw table
            del texts
        counts = _normalize(conn, provider, files, dict(origins), empty)
    return BillingState(provider=provider, loaded=frozenset(counts)), {}


def _normalize(
    conn: Any,
    provider: Provider,
    files: Iterable[tuple[str, Path]],
    origins: dict[str, str],
    empty: Sequence[str] = (),
) -> dict[str, int]:
    """Read each collection's file into its raw table (an `empty` one holds no
    object) and normalize them into the billing_* tables; then the objects the SQL
    does not read exactly as the provider's normalizer does (the SQL lists them as
    unread), and the whole collection of a file DuckDB's reader refuses, are
    normalized by the normalizer, which names each problem, and put in their
    place. The object counts."""
    sql = SQL[provider]
    counts: dict[str, int] = {}
    paths: dict[str, Path] = {}
    whole: dict[str, list[Any]] = {}  # collection -> every object, read by Python
    for name, path in files:
        table = f"raw_{provider.value}_{name}"
        paths[name] = path
        origins.setdefault(name, display_path(path))
        count = raw_table(conn, table, path, sql.raw_columns[name])
        if count is None:
            whole[name] = read_json_list(path)  # which names what is wrong with the file
            conn.execute(empty_raw_table(table, sql.raw_columns[name]))
            count = len(whole[name])
        counts[name] = count
    for name in empty:
        conn.execute(empty_raw_table(f"raw_{provider.value}_{name}", sql.raw_columns[name]))
        counts[name] = 0
    ensure_macros(conn)
    for statement in sql.statements(frozenset(counts)):
        conn.execute(statement)
    for name in counts:  # normalized: their memory back before the engine runs
        conn.execute(f"DROP TABLE raw_{provider.value}_{name}")
    unread: dict[str, list[int]] = {}
    listed = conn.execute(f"SELECT collection, pos FROM {sql.unread} ORDER BY pos").fetchall()
    for name, pos in listed:
        unread.setdefault(name, []).append(pos)
    raw: dict[str, list[Any]] = {}
    positions: dict[str, list[int]] = {}
    for name in counts:
        if name in whole:
            raw[name], positions[name] = whole.pop(name), list(range(counts[name]))
        elif name in unread:
            positions[name] = unread[name]
            raw[name] = objects_at(conn, paths[name], positions[name])
    if raw:
        place(conn, NORMALIZERS[provider](raw, origins, positions), positions)
    return counts
