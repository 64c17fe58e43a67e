"""Benchmark: read a large accounts table from PostgreSQL through PostgresAccounts.

Creates a scratch database on the server (default: the local one the tests use),
fills an accounts table with N rows (every optional column mapped, a realistic
mix of nulls), then measures:

- fetch: streaming the rows through the server-side cursor, nothing kept;
- load: fetch plus normalization into an AccountState (what `check` does);
- peak Python memory of each (tracemalloc, in a separate pass because tracing
  slows the loop), and the process's maximum resident set size.

The scratch database is dropped at the end, also on failure.
Run: python bench/bench_postgres_fetch.py [--rows 200000] [--admin-url URL]
"""

from __future__ import annotations

import argparse
import resource
import secrets
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from prodcheck.config import ColumnMapping, DatabaseConfig  # noqa: E402
from prodcheck.sources.postgres import PostgresAccounts  # noqa: E402

FILL = """
CREATE TABLE accounts (
    id bigint PRIMARY KEY, stripe_customer_id text, has_access boolean, plan text,
    email text, deleted_at timestamptz, access_expires_at timestamptz, comped boolean,
    updated_at timestamptz);
INSERT INTO accounts
SELECT g,
       CASE WHEN g % 10 = 0 THEN NULL ELSE 'cus_' || md5(g::text) END,
       g % 4 <> 0,
       (ARRAY['free', 'pro', 'team'])[g % 3 + 1],
       'user' || g || '@example.com',
       CASE WHEN g % 50 = 0 THEN now() - g * interval '1 minute' END,
       CASE WHEN g % 7 = 0 THEN now() + g * interval '1 second' END,
       g % 100 = 0,
       now() - g * interval '1 second'
FROM generate_series(1, %s) AS g;
ANALYZE accounts;
"""
COLUMNS = ColumnMapping(
    id="id",
    customer_id="stripe_customer_id",
    has_access="has_access",
    plan="plan",
    email="email",
    deleted_at="deleted_at",
    access_expires_at="access_expires_at",
    comped="comped",
    updated_at="updated_at",
)


def timed(label: str, rows: int, action: Callable[[], Any]) -> None:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    print(f"{label:<26} {seconds:7.2f} s   {rows / seconds:>10,.0f} rows/s")


def peak(label: str, action: Callable[[], Any]) -> None:
    tracemalloc.start()
    try:
        action()
        _, highest = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"{label:<26} {highest / 2**20:7.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    name = f"prodcheck_bench_{secrets.token_hex(4)}"
    admin = psycopg.connect(args.admin_url, autocommit=True)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = urlunsplit(urlsplit(args.admin_url)._replace(path=f"/{name}"))
        with psycopg.connect(url, autocommit=True) as conn:
            started = time.perf_counter()
            conn.execute(FILL.replace("%s", str(int(args.rows))))
            print(f"filled {args.rows:,} rows in {time.perf_counter() - started:.1f} s")
        config = DatabaseConfig(table="accounts", columns=COLUMNS, url_env="BENCH_DATABASE_URL")
        source = PostgresAccounts(config, env={"BENCH_DATABASE_URL": url})

        def stream() -> None:
            for _ in source.fetch():
                pass

        def load() -> None:
            state, _ = source.load()
            assert len(state.accounts) == args.rows

        stream()  # warm the server's cache so both timings read from memory
        timed("fetch (stream only)", args.rows, stream)
        timed("load (fetch + normalize)", args.rows, load)
        peak("peak memory, fetch", stream)
        peak("peak memory, load", load)
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{'max resident set size':<26} {maxrss:7.1f} MiB")
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()


if __name__ == "__main__":
    main()
