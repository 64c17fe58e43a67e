"""What a live run does with the Stripe objects it fetched: parsed objects
normalized by Python (stripe_normalize, the old path), or each object's JSON
text, as the fetch now keeps it, normalized by the same SQL as fixture files
(duck_billing.read_billing_lines, the default). The fetch itself is
bench_stripe_fetch.py's.

    python bench/bench_live_normalize.py DIR     (a folder from bench/generate.py
                                                  --ndjson)

Each way runs in a fresh process that first holds the folder's Stripe objects as
a live fetch leaves them (parsed, or as text); it prints the wall and CPU time
of the normalization alone and the process's peak RSS (what the fetch held
included). Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


NAMES = ("customers", "subscriptions")


def child(way: str, folder: Path) -> None:
    from prodcheck.engine.duck import connect
    from prodcheck.model import Provider
    from prodcheck.sources import stripe_normalize
    from prodcheck.sources.duck_billing import read_billing_lines

    def texts(name: str) -> Iterator[str]:
        with (folder / "stripe" / f"{name}.ndjson").open(encoding="utf-8") as handle:
            yield from (line.rstrip("\n") for line in handle if line.strip())

    if way == "python":  # parsed objects, as fetch keeps them
        raw = {name: [json.loads(text) for text in texts(name)] for name in NAMES}
        origins = {name: f"Stripe API /v1/{name}" for name in raw}
        started, cpu = time.perf_counter(), time.process_time()
        state = stripe_normalize.normalize(raw, origins)
        count = len(state.subscriptions)
    else:  # JSON texts, as fetch_lines keeps them
        lines = {name: list(texts(name)) for name in NAMES}
        origins = {name: f"Stripe API /v1/{name}" for name in lines}
        started, cpu = time.perf_counter(), time.process_time()
        conn = connect()
        read, _ = read_billing_lines(conn, lines, Provider.STRIPE, origins)
        assert read is not None, "the SQL left these objects to Python"
        count = conn.execute("SELECT count(*) FROM billing_subscriptions").fetchall()[0][0]
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "cpu": cpu, "peak": peak, "count": count}))


def main() -> None:
    folder = Path(sys.argv[1])
    print(f"{'normalized by':<14} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}  subscriptions")
    for way in ("python", "sql"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", way, str(folder)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(out)
        print(
            f"{way:<14} {figures['wall']:8.2f} {figures['cpu']:8.2f} {figures['peak']:9,.0f}  "
            f"{figures['count']:,}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
