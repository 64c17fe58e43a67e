"""Benchmark: the credits pack on a large ledger in PostgreSQL.

Creates a scratch database on the server (default: the local one the tests use)
holding a credit_ledger of N entries (default 1,000,000) over N/10 accounts (a
grant, then deductions, each with an idempotency key and a time) and their
credit_balances, then plants drift of each kind the pack reports:

- deductions applied twice (an entry repeated with its key, the balance too);
- balances that lost an update (5 credits more than the ledger);
- overdrawn balances (a deduction of 1,000 in both tables);
- ledger entries whose balance row is gone.

It then runs `prodcheck check` on it in a fresh process (billing from the small
bundled scenario credits-pass, so nearly all the work is the credit tables) and
prints its wall time, CPU time and peak resident memory, and the findings per
rule beside the counts the database itself gives (a GROUP BY in PostgreSQL),
which must agree. The scratch database is dropped at the end, also on failure.

Run alone, under /usr/bin/time -v for the whole process tree:
    python bench/bench_credits.py [--entries 1000000] [--admin-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import yaml
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "credits-pass"

FILL = """
CREATE TABLE users (id text PRIMARY KEY, stripe_customer_id text, has_paid_access boolean,
    plan text);
CREATE TABLE credit_ledger (id bigserial PRIMARY KEY, user_id text NOT NULL,
    amount bigint NOT NULL, idempotency_key text, created_at timestamptz NOT NULL);
CREATE TABLE credit_balances (user_id text PRIMARY KEY, balance bigint NOT NULL);
-- a grant per account first, then deductions of 1 to 7 credits
INSERT INTO credit_ledger (user_id, amount, idempotency_key, created_at)
SELECT 'u_' || (g % {accounts}),
       CASE WHEN g < {accounts} THEN 100 ELSE -(g % 7 + 1) END,
       CASE WHEN g < {accounts} THEN 'in_' || g ELSE 'req_' || g END,
       timestamptz '2026-10-01' + g * interval '1 second'
FROM generate_series(0, {entries} - 1) AS g;
-- deductions applied twice: the entry repeated with its key
INSERT INTO credit_ledger (user_id, amount, idempotency_key, created_at)
SELECT user_id, amount, idempotency_key, created_at + interval '2 seconds'
FROM credit_ledger WHERE amount < 0 AND id % 9973 = 0;
-- overdrawn: a deduction the balance could not cover, in both tables
INSERT INTO credit_ledger (user_id, amount, idempotency_key, created_at)
SELECT 'u_' || a, -1000, 'req_big_' || a, timestamptz '2026-11-01'
FROM generate_series(0, {accounts} - 1) AS a WHERE a % 4999 = 11;
INSERT INTO credit_balances SELECT user_id, sum(amount) FROM credit_ledger GROUP BY user_id;
-- lost updates: balances 5 credits above their ledger
UPDATE credit_balances SET balance = balance + 5 WHERE substr(user_id, 3)::int % 1013 = 7;
-- orphans: the balance row gone
DELETE FROM credit_balances WHERE substr(user_id, 3)::int % 1009 = 1;
ANALYZE;
"""

# What each rule must report, as PostgreSQL counts it.
EXPECTED = {
    "credits.duplicate_grant": """
        SELECT count(DISTINCT user_id) FROM (
            SELECT user_id, row_number() OVER (PARTITION BY idempotency_key
                ORDER BY created_at, id) AS nth FROM credit_ledger) t WHERE nth > 1""",
    "credits.ledger_mismatch": """
        SELECT count(*) FROM credit_balances b JOIN (SELECT user_id, sum(amount) AS total
            FROM credit_ledger GROUP BY user_id) l USING (user_id) WHERE b.balance <> l.total""",
    "credits.negative_balance": "SELECT count(*) FROM credit_balances WHERE balance < 0",
    "credits.orphan_ledger": """
        SELECT count(DISTINCT user_id) FROM credit_ledger l
        WHERE NOT EXISTS (SELECT 1 FROM credit_balances b WHERE b.user_id = l.user_id)""",
}


def _config(folder: Path) -> Path:
    config = yaml.safe_load((SCENARIO / "prodcheck.yml").read_text())
    config["billing"]["fixtures"] = str(SCENARIO)
    tables = config["database"]["tables"]
    tables["credit_balances"]["columns"]["account_id"] = "user_id"
    tables["credit_ledger"]["columns"]["account_id"] = "user_id"
    config["database"]["url_env"] = "BENCH_DATABASE_URL"
    path = folder / "prodcheck.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    entries, accounts = int(args.entries), max(int(args.entries) // 10, 1)

    name = f"prodcheck_bench_{secrets.token_hex(4)}"
    admin = psycopg.connect(args.admin_url, autocommit=True)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = urlunsplit(urlsplit(args.admin_url)._replace(path=f"/{name}"))
        with psycopg.connect(url, autocommit=True) as conn:
            started = time.perf_counter()
            conn.execute(FILL.format(entries=entries, accounts=accounts))
            users = json.loads((SCENARIO / "db" / "users.json").read_text())
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO users VALUES (%s, %s, %s, %s)",
                    [
                        (u["id"], u["stripe_customer_id"], u["has_paid_access"], u["plan"])
                        for u in users
                    ],
                )
            total = conn.execute("SELECT count(*) FROM credit_ledger").fetchone()
            balances = conn.execute("SELECT count(*) FROM credit_balances").fetchone()
            expected = {
                rule: conn.execute(query).fetchone()[0]  # type: ignore[index]
                for rule, query in EXPECTED.items()
            }
            print(
                f"filled {total[0]:,} ledger entries, {balances[0]:,} balances "  # type: ignore[index]
                f"in {time.perf_counter() - started:.1f} s"
            )
        with tempfile.TemporaryDirectory() as scratch:
            config = _config(Path(scratch))
            report = Path(scratch) / "report.json"
            command = [
                sys.executable, "-m", "prodcheck", "check", "--config", str(config),
                "--format", "json", "--output", str(report), "--now", "2026-11-01T12:00:00Z",
                "--quiet",
            ]  # fmt: skip
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                command, env={**os.environ, "BENCH_DATABASE_URL": url}, cwd=ROOT, check=False
            )
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            found = json.loads(report.read_text())
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"prodcheck check: exit {done.returncode}, wall {wall:.2f} s, CPU {cpu:.2f} s, "
              f"peak RSS {after.ru_maxrss / 1024:.0f} MiB")  # fmt: skip
        counts: dict[str, int] = {}
        for finding in found["findings"]:
            counts[finding["rule"]] = counts.get(finding["rule"], 0) + 1
        print(f"{'rule':<26} {'reported':>9} {'PostgreSQL':>11}")
        for rule, want in expected.items():
            print(f"{rule:<26} {counts.get(rule, 0):>9,} {want:>11,}")
        if counts != {rule: n for rule, n in expected.items() if n} or found["errors"]:
            sys.exit(f"the report disagrees with PostgreSQL: {counts} {found['errors']}")
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()


if __name__ == "__main__":
    main()
