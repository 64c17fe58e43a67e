"""Benchmark: how close does the Stripe fetch get to the account's rate limit?

Starts the fake Stripe server (tests/live/fake_stripe.py) on 127.0.0.1 with a
fixed latency per page and a requests-per-second limit that answers 429
beyond it, as Stripe's limiter does, then fetches the same account twice:

- sequential: one cursor chain per list, one thread (what a plain
  `auto_paging_iter()` loop does);
- concurrent: prodcheck's created-range slices on several threads under one
  shared request budget.

It prints the served (non-429) request rate as a fraction of the limit and
the wall time. Run: python bench/bench_stripe_fetch.py [--subscriptions N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The fake server lives with the tests; `tests` itself is not importable by that
# name here because paddle-python-sdk installs a top-level `tests` package.
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from live.fake_http import Faults  # noqa: E402
from live.fake_stripe import FakeStripe  # noqa: E402
from live.stripe_objects import account  # noqa: E402

from prodcheck.config import BillingConfig  # noqa: E402
from prodcheck.model import Provider  # noqa: E402
from prodcheck.sources.stripe import StripeBilling  # noqa: E402


def run(label: str, objects: dict, *, latency: float, limit: float, concurrency: int) -> None:
    faults = Faults(latency=latency, rate_limit=limit)
    with FakeStripe(**objects, faults=faults) as fake:
        config = BillingConfig(
            provider=Provider.STRIPE,
            api_key_env="STRIPE_KEY",
            api_base=fake.url,
            requests_per_second=limit,
            concurrency=concurrency,
        )
        source = StripeBilling(config, env={"STRIPE_KEY": "rk_test_bench"})
        started = time.monotonic()
        raw, _ = source.fetch(frozenset())
        elapsed = time.monotonic() - started
        served = sum(1 for hit in fake.hits if hit.status == 200)
        limited = sum(1 for hit in fake.hits if hit.status == 429)
    counts = {name: len(values) for name, values in raw.items()}
    expected = {name: len(values) for name, values in objects.items()}
    assert counts == expected, f"incomplete fetch: {counts} != {expected}"
    rate = served / elapsed
    print(
        f"{label:<11} {elapsed:6.2f}s  {served:4d} pages served  {limited:3d} x 429  "
        f"{rate:5.1f} req/s = {rate / limit:4.0%} of the {limit:g}/s limit"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=4000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--limit", type=float, default=25.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    # Customers and subscriptions, one each, spread over two years.
    objects = account(args.subscriptions, step=2 * 365 * 86_400 // args.subscriptions)
    print(
        f"{args.subscriptions} subscriptions + {args.subscriptions} customers, "
        f"{args.latency * 1000:.0f} ms per page, limit {args.limit:g} requests/s"
    )
    run("sequential", objects, latency=args.latency, limit=args.limit, concurrency=1)
    run(
        "concurrent",
        objects,
        latency=args.latency,
        limit=args.limit,
        concurrency=args.concurrency,
    )


if __name__ == "__main__":
    main()
