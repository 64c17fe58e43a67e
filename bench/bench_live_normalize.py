"""What a live run does with the Stripe objects it fetched: normalized by Python
(stripe_normalize, the old path) or by the same SQL as fixture files
(duck_billing.read_billing_objects, the default). The fetch itself is
bench_stripe_fetch.py's.

    python bench/bench_live_normalize.py DIR     (a folder from bench/generate.py,
                                                  in its JSON layout)

Each way runs in a fresh process that first parses the folder's Stripe JSON into
Python objects, as a live fetch leaves them; it prints the wall and CPU time of
the normalization alone and the process's peak RSS (the parsed objects
included). Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(way: str, folder: Path) -> None:
    from prodcheck.engine.sql_engine import connect
    from prodcheck.model import Provider
    from prodcheck.sources import stripe_normalize
    from prodcheck.sources.duck_billing import read_billing_objects

    raw = {}
    for name in ("customers", "subscriptions"):
        data = json.loads((folder / "stripe" / f"{name}.json").read_text())
        raw[name] = data["data"] if isinstance(data, dict) else data
    origins = {name: f"Stripe API /v1/{name}" for name in raw}
    started, cpu = time.perf_counter(), time.process_time()
    if way == "python":
        state = stripe_normalize.normalize(raw, origins)
        count = len(state.subscriptions)
    else:
        conn = connect()
        read = read_billing_objects(conn, raw, Provider.STRIPE)
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
