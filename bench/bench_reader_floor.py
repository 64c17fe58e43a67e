"""The floor under a fixture check: what DuckDB's JSON reader alone takes on a
generated folder's files (bench/generate.py), before prodcheck normalizes or
evaluates anything.

    python bench/bench_reader_floor.py DIR

For each file: `tokenize`, the objects counted with one column declared (the
reader parses every object and keeps nothing; DuckDB's own memory limit: under
the engine's 300MB this one-column read runs out of memory, where the declared
columns' does not); and, for billing's files, `raw table`, the file read into a
table in the columns prodcheck declares for it (stripe_sql.RAW_COLUMNS), as
duck_fixtures.raw_table does, under the engine's default memory_limit. Each in a
fresh connection, in this process; wall seconds. Prints figures; asserts nothing
about speed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(statement: str, *, bounded: bool) -> float:
    import duckdb

    from prodcheck.config import MEMORY_LIMIT

    conn = duckdb.connect()
    if bounded:
        conn.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    started = time.perf_counter()
    conn.execute(statement).fetchall()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> None:
    from prodcheck.sources.duck_fixtures import quoted
    from prodcheck.sources.stripe_sql import RAW_COLUMNS

    folder = Path(sys.argv[1])
    files = [folder / "stripe" / "subscriptions.json", folder / "stripe" / "customers.json"]
    files.append(folder / "db" / "users.json")
    totals = {"tokenize": 0.0, "raw table": 0.0}
    print(f"{'file':<28} {'MB':>7} {'tokenize s':>11} {'raw table s':>12}")
    for path in files:
        source = f"read_json({quoted(str(path))}, format = 'array'"
        tokenize = _timed(
            f"SELECT count(*) FROM {source}, columns = {{'id': 'VARCHAR'}})", bounded=False
        )
        totals["tokenize"] += tokenize
        raw = ""
        if path.parent.name == "stripe":
            columns = RAW_COLUMNS[path.stem]
            declared = ", ".join(f"{quoted(k)}: {quoted(v)}" for k, v in columns.items())
            seconds = _timed(
                f"CREATE TEMP TABLE raw AS SELECT row_number() OVER () - 1 AS pos, * "
                f"FROM {source}, columns = {{{declared}}})",
                bounded=True,
            )
            totals["raw table"] += seconds
            raw = f"{seconds:12.2f}"
        size = path.stat().st_size / 1e6
        print(f"{path.parent.name + '/' + path.name:<28} {size:7.0f} {tokenize:11.2f} {raw:>12}")
    print(f"{'all':<28} {'':>7} {totals['tokenize']:11.2f} {totals['raw table']:12.2f}")


if __name__ == "__main__":
    main()
