"""Benchmark: `prodcheck repair` on a large report, and its plan applied in PostgreSQL.

Takes the demo's JSON report and repeats its database-repaired findings until it
holds N (default 10,000), each about its own row of a scratch `users` table holding
exactly what the check read. Then, in a fresh process, `prodcheck repair` writes
the plan (its wall time, CPU time and peak resident memory are printed with the
report's size), and repair.sql is run in the scratch database (its wall time); every
row must then hold its new value. The scratch database is dropped at the end, also
on failure.

    python bench/bench_repair.py [--findings 10000] [--admin-url URL]
"""

from __future__ import annotations

import argparse
import copy
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
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "demo"


def _report(folder: Path) -> dict:
    path = folder / "demo.json"
    subprocess.run(
        [sys.executable, "-m", "prodcheck", "check", "--fixtures", str(DEMO), "--format",
         "json", "--output", str(path)],
        check=False, capture_output=True,
    )  # fmt: skip
    return json.loads(path.read_text())


def _grown(report: dict, count: int) -> tuple[dict, list[tuple[str, bool, str]]]:
    """The report with `count` database-repaired findings, one row each: (id, access,
    plan) as the check read them."""
    models = [f for f in report["findings"] if f.get("repair", {}).get("database")]
    findings, rows = [], []
    for number in range(count):
        finding = copy.deepcopy(models[number % len(models)])
        key = f"u_{number:07d}"
        finding["subject"]["id"] = key
        finding["fingerprint"] = f"{number:016x}"
        change = finding["repair"]["database"][0]
        change["key"]["value"] = key
        before = {c["column"]: c["before"] for c in change["set"]}
        rows.append((key, bool(before.get("has_paid_access", False)), before.get("plan", "pro")))
        findings.append(finding)
    return {**report, "findings": findings}, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(
            "PRODCHECK_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    name = f"prodcheck_bench_repair_{secrets.token_hex(4)}"
    parts = urlsplit(args.admin_url)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    with psycopg.connect(args.admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with tempfile.TemporaryDirectory(prefix="prodcheck-bench-repair-") as scratch:
            folder = Path(scratch)
            report, rows = _grown(_report(folder), args.findings)
            path = folder / "report.json"
            path.write_text(json.dumps(report, indent=2))
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(
                    "CREATE TABLE users (id text PRIMARY KEY, has_paid_access boolean, plan text)"
                )
                with conn.cursor() as cursor, cursor.copy("COPY users FROM STDIN") as copy_in:
                    for row in rows:
                        copy_in.write_row(row)
            out = folder / "plan"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "prodcheck", "repair", "--report", str(path), "--out",
                 str(out), "--now", report["now"]],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0:
                raise SystemExit(f"repair failed ({done.returncode}):\n{done.stderr}")
            script = (out / "repair.sql").read_text()
            started = time.perf_counter()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(script)
            applied = time.perf_counter() - started
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            print(f"findings: {args.findings:,}; report: {path.stat().st_size / 2**20:.1f} MiB")
            print(
                f"prodcheck repair: {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS "
                f"{after.ru_maxrss / 1024:.0f} MiB; repair.sql {len(script) / 2**20:.1f} MiB, "
                f"{script.count('GET DIAGNOSTICS'):,} guarded UPDATEs"
            )
            print(f"repair.sql applied in PostgreSQL: {applied:.2f} s")
            _verify(url, rows)
    finally:
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _verify(url: str, rows: list[tuple[str, bool, str]]) -> None:
    """Every row changed: none still holds what the check read."""
    with psycopg.connect(url) as conn:
        now = {key: (access, plan) for key, access, plan in conn.execute("SELECT * FROM users")}
    same = sum(1 for key, access, plan in rows if now[key] == (access, plan))
    print(f"rows still as the check read them: {same:,} of {len(rows):,}")
    if same:
        raise SystemExit("the plan left rows unchanged")


if __name__ == "__main__":
    main()
