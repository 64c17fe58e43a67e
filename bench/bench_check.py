"""N accounts: evaluation alone, and the whole `prodcheck check`.

    python bench/bench_check.py [N ...] [--data DIR] [--postgres ADMIN_URL]
                                [--sqlite] [--mysql ADMIN_URL]
                                [--ndjson] [--provider paddle]
                                                    (default N: 100000 1000000)

For each N, generates a fixture folder (bench/generate.py: N accounts, N Stripe
subscriptions, about 1% drift; JSON arrays, or with --ndjson one object per line)
in a temporary directory, or reuses --data DIR,
then reports wall time, CPU time and peak RSS, each measured in a fresh process:

- evaluation: the snapshot read into DuckDB in, findings out (build_index +
  evaluate, registering the small tables shown apart); the peak is
  the process's resident set while evaluating, the loaded snapshot included (the
  high-water mark is reset once the snapshot is loaded);
- check: `prodcheck check --fixtures DIR --format json` end to end: reading and
  normalizing the JSON, evaluating, writing the report.

--postgres ADMIN_URL also runs the check with the accounts table in a fresh
PostgreSQL database (loaded with COPY, dropped at the end) and billing from the
fixtures, and compares its findings with the fixture folder's; --sqlite and
--mysql ADMIN_URL do the same with the accounts table in a SQLite file and in a
MySQL/MariaDB database. Every run first
times `prodcheck --version` and `prodcheck demo` (best of five, bytecode cached
as an installed package has it).
Run N = 1,000,000 alone on a 2-core machine: the whole check then holds several GB.
Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import generate, users  # noqa: E402

NOW = "2026-11-01T12:00:00Z"


def _peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _time_loading() -> list[float]:
    """Seconds the engine spends registering the small tables Python computes
    (sql_load.load: plans, tiers, the app's ids), accumulated in [0]."""
    from prodcheck.engine import sql_engine

    spent = [0.0]
    load = sql_engine.load

    def timed(*args: Any) -> None:
        started = time.perf_counter()
        load(*args)
        spent[0] += time.perf_counter() - started

    sql_engine.load = timed
    return spent


def evaluate_once(folder: Path) -> dict[str, Any]:
    """In this process: load the snapshot, then time the evaluation alone."""
    from datetime import datetime

    from prodcheck.config import load_config
    from prodcheck.engine.evaluate import evaluate
    from prodcheck.engine.index import build_index
    from prodcheck.runner import load_checked_rules, load_snapshot

    now = datetime.fromisoformat(NOW)
    config = load_config(folder / "prodcheck.yml")
    rules = load_checked_rules(config)
    started = time.perf_counter()
    snapshot = load_snapshot(config, rules, folder, dict(os.environ), True, now)
    load = time.perf_counter() - started
    loaded = _peak_kib()
    loading = _time_loading()
    Path("/proc/self/clear_refs").write_text("5")  # the high-water mark starts again here
    wall, cpu = time.perf_counter(), time.process_time()
    index = build_index(snapshot, config, now)
    indexed = time.perf_counter()
    result = evaluate(rules, index)
    return {
        "load": load,
        "index": indexed - wall,
        "loading": loading[0],
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "peak_mib": _peak_kib() / 1024,
        "loaded_mib": loaded / 1024,
        "findings": len(result.findings),
    }


def run_child(
    command: list[str], stdout: Path, codes: tuple[int, ...] = (0, 1)
) -> tuple[float, float, float]:
    """Wall s, CPU s (user + system) and peak RSS MiB of one child process, exactly:
    os.wait4 on a process forked here. Another exit code than `codes` stops the run."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: stdout to a file, stderr kept
        out = os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.execvp(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in codes:  # a check exits 1: it found drift, as the data means it to
        sys.exit(f"{' '.join(command)} exited {code}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _check(report: Path, *source: str) -> list[str]:
    """`prodcheck check` of these sources at NOW, its JSON report to `report`."""
    prodcheck = shutil.which("prodcheck") or "prodcheck"
    return [prodcheck, "check", *source, "--now", NOW, "--format", "json",
            "--output", str(report), "--quiet"]  # fmt: skip


def bench(n: int, folder: Path, scratch: Path) -> None:
    print(f"\nN = {n:,} (accounts and subscriptions), data in {folder}")
    print(f"  {'':<10} {'source':<7} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}  notes")
    out = scratch / "eval.json"
    run_child([sys.executable, __file__, "--child-eval", str(folder)], out, (0,))
    figures = json.loads(out.read_text())
    print(
        f"  {'evaluation':<10} {'fix':<7} {figures['wall']:8.2f} {figures['cpu']:8.2f} "
        f"{figures['peak_mib']:9,.0f}  {figures['findings']:,} findings; snapshot loaded "
        f"beforehand: {figures['loaded_mib']:,.0f} MiB in {figures['load']:.2f} s; of the "
        f"wall time, build_index {figures['index']:.2f} s, registering the small tables "
        f"{figures['loading']:.2f} s"
    )
    report = scratch / "report.json"
    wall, cpu, peak = run_child(_check(report, "--fixtures", str(folder)), scratch / "stdout.txt")
    findings = len(json.loads(report.read_bytes())["findings"])
    print(f"  {'check':<10} {'fix':<7} {wall:8.2f} {cpu:8.2f} {peak:9,.0f}  {findings:,} findings")


def bench_postgres(folder: Path, scratch: Path, admin_url: str) -> None:
    """The accounts table in a fresh PostgreSQL database (loaded with COPY), billing
    from the folder's fixtures: the whole check, and whether its report's findings
    are the fixture folder's."""
    import psycopg

    name = f"prodcheck_bench_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        started = time.perf_counter()
        rows = users(folder)
        with psycopg.connect(url) as conn:
            conn.execute(
                "CREATE TABLE users (id text PRIMARY KEY, stripe_customer_id text, "
                "has_paid_access boolean, plan text)"
            )
            columns = ("id", "stripe_customer_id", "has_paid_access", "plan")
            with conn.cursor().copy(f"COPY users ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(row.get(c) for c in columns))
            conn.execute("ANALYZE users")
        count = len(rows)
        del rows
        print(f"  loaded {count:,} rows into PostgreSQL with COPY in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        check_database(folder, scratch, url, "pg+fix")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def bench_sqlite(folder: Path, scratch: Path) -> None:
    """The accounts table in a fresh SQLite file, billing from the folder's fixtures:
    the whole check, and whether its report's findings are the fixture folder's."""
    import sqlite3

    path = scratch / "app.db"
    started = time.perf_counter()
    rows = users(folder)
    columns = ("id", "stripe_customer_id", "has_paid_access", "plan")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE users (id TEXT PRIMARY KEY, stripe_customer_id TEXT, "
            "has_paid_access BOOLEAN, plan TEXT)"
        )
        values = (tuple(r.get(c) for c in columns) for r in rows)
        conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?)", values)
    conn.close()
    count = len(rows)
    del rows
    print(f"  loaded {count:,} rows into SQLite in {time.perf_counter() - started:.1f} s")
    try:
        check_database(folder, scratch, f"sqlite:///{path}", "sqlite")
    finally:
        path.unlink()


def bench_mysql(folder: Path, scratch: Path, admin_url: str) -> None:
    """The accounts table in a fresh MySQL/MariaDB database (dropped at the end),
    billing from the folder's fixtures, as bench_postgres does."""
    from urllib.parse import urlsplit

    import pymysql

    parts = urlsplit(admin_url)
    login = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 3306,
        "user": parts.username or "root",
        "password": parts.password or "",
    }
    name = f"prodcheck_bench_{os.getpid()}"
    admin = pymysql.connect(**login, autocommit=True)
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        started = time.perf_counter()
        rows = users(folder)
        columns = ("id", "stripe_customer_id", "has_paid_access", "plan")
        conn = pymysql.connect(**login, database=name, autocommit=True)
        with conn.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE users (id varchar(64) PRIMARY KEY, stripe_customer_id "
                "varchar(64), has_paid_access tinyint(1), plan varchar(32))"
            )
            for start in range(0, len(rows), 10_000):
                values = [tuple(r.get(c) for c in columns) for r in rows[start : start + 10_000]]
                cursor.executemany("INSERT INTO users VALUES (%s, %s, %s, %s)", values)
        conn.close()
        count = len(rows)
        del rows
        print(f"  loaded {count:,} rows into MySQL in {time.perf_counter() - started:.1f} s")
        check_database(folder, scratch, f"{admin_url.rsplit('/', 1)[0]}/{name}", "mysql")
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()


def check_database(folder: Path, scratch: Path, url: str, label: str) -> None:
    """`prodcheck check` with the accounts at `url` and billing from the folder's
    fixtures; its figures, and whether its findings are the fixture folder's."""
    import yaml

    config = yaml.safe_load((folder / "prodcheck.yml").read_text())
    config["billing"]["fixtures"] = str(folder)
    config["database"]["url_env"] = "BENCH_DATABASE_URL"
    path = scratch / "database.yml"
    path.write_text(yaml.safe_dump(config))
    os.environ["BENCH_DATABASE_URL"] = url
    report = scratch / "report-database.json"
    wall, cpu, peak = run_child(_check(report, "--config", str(path)), scratch / "stdout.txt")
    found = json.loads(report.read_text())["findings"]
    same = found == json.loads((scratch / "report.json").read_text())["findings"]
    print(
        f"  {'check':<10} {label:<7} {wall:8.2f} {cpu:8.2f} {peak:9,.0f}  "
        f"{len(found):,} findings, the fixture folder's: {'yes' if same else 'NO'}"
    )


def bench_commands(scratch: Path) -> None:
    """`prodcheck --version` and `prodcheck demo`: the best wall time of five runs,
    with Python's bytecode cached as `pip install` leaves it (an editable install
    under PYTHONDONTWRITEBYTECODE=1 compiles every module on every run: 70 ms of
    the demo); a first, untimed run writes the cache."""
    program = shutil.which("prodcheck") or "prodcheck"
    saved = os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        for args in (["--version"], ["demo"]):
            run_child([program, *args], scratch / "stdout.txt")
            runs = [run_child([program, *args], scratch / "stdout.txt") for _ in range(5)]
            wall, cpu, peak = min(runs)
            print(
                f"  prodcheck {' '.join(args):<10} {wall:8.2f} {cpu:8.2f} {peak:9,.0f}  best of 5"
            )
    finally:
        if saved is not None:
            os.environ["PYTHONDONTWRITEBYTECODE"] = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--data", type=Path, help="reuse this generated folder (one N)")
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="also check with the accounts in a fresh PostgreSQL database made through "
        "this URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres) and billing fixtures",
    )
    parser.add_argument(
        "--ndjson",
        action="store_true",
        help="generate the folder in the NDJSON layout (a file of one object per line)",
    )
    parser.add_argument(
        "--provider",
        choices=("stripe", "paddle"),
        default="stripe",
        help="generate the billing objects as this provider's (default: stripe)",
    )
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="also check with the accounts in a fresh SQLite file and billing fixtures",
    )
    parser.add_argument(
        "--mysql",
        metavar="ADMIN_URL",
        help="also check with the accounts in a fresh MySQL/MariaDB database made through "
        "this URL (e.g. mysql://root@127.0.0.1:3306/test) and billing fixtures",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prodcheck-bench-") as temp:
        scratch = Path(temp)
        print("\nfixed costs")
        bench_commands(scratch)
        for n in args.sizes:
            folder = args.data or scratch / f"data-{n}"
            if not args.data:
                started = time.perf_counter()
                generate(n, folder, ndjson=args.ndjson, provider=args.provider)
                print(f"\ngenerated {n:,} accounts in {time.perf_counter() - started:.1f} s")
            bench(n, folder, scratch)
            if args.postgres:
                bench_postgres(folder, scratch, args.postgres)
            if args.sqlite:
                bench_sqlite(folder, scratch)
            if args.mysql:
                bench_mysql(folder, scratch, args.mysql)
            if not args.data:
                shutil.rmtree(folder)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child-eval"]:
        print(json.dumps(evaluate_once(Path(sys.argv[2]))))
    else:
        main()
