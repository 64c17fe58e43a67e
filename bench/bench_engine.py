"""Engine throughput: index, facts and every built-in rule over N accounts.

    python bench/bench_engine.py [N ...]   (default: 100000 1000000)

Builds a synthetic snapshot (one customer and one subscription per account,
a few percent drifted), then times build_index + evaluate with all rules and
reports accounts/s and the process's peak RSS. Prints figures; asserts nothing.
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import UTC, datetime, timedelta

from prodcheck.bundled import contracts_dir
from prodcheck.config import (
    BillingConfig,
    ColumnMapping,
    Config,
    DatabaseConfig,
    PlansConfig,
)
from prodcheck.engine.contracts import load_rules
from prodcheck.engine.evaluate import evaluate
from prodcheck.engine.index import build_index
from prodcheck.model import (
    Account,
    AccountState,
    BillingState,
    Customer,
    Provider,
    Snapshot,
    SourceInfo,
    Subscription,
    SubscriptionItem,
    SubscriptionStatus,
)

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
PRICES = {
    "price_starter": ("starter", 1900),
    "price_pro": ("pro", 4900),
    "price_team": ("team", 9900),
}
STATUSES = [SubscriptionStatus.ACTIVE] * 8 + [
    SubscriptionStatus.TRIALING,
    SubscriptionStatus.CANCELED,
]


def snapshot(n: int) -> Snapshot:
    customers, subscriptions, accounts = [], [], []
    price_ids = list(PRICES)
    start = NOW - timedelta(days=10)
    for i in range(n):
        cid, price = f"cus_{i}", price_ids[i % 3]
        status = STATUSES[i % len(STATUSES)]
        customers.append(
            Customer(cid, email=f"user{i}@example.com", metadata={"user_id": f"u_{i}"})
        )
        item = SubscriptionItem(
            f"si_{i}",
            price,
            1,
            PRICES[price][1],
            "usd",
            "month",
            1,
            start,
            start + timedelta(days=30),
        )
        subscriptions.append(
            Subscription(f"sub_{i}", cid, status, (item,), created=NOW - timedelta(days=100))
        )
        entitled = status is not SubscriptionStatus.CANCELED
        drift = i % 37 == 0  # about 2.7% of accounts disagree with billing
        accounts.append(
            Account(
                f"u_{i}",
                cid,
                entitled != drift,
                plan=PRICES[price][0],
                email=f"user{i}@example.com",
            )
        )
    return Snapshot(
        billing=BillingState(Provider.STRIPE, tuple(customers), tuple(subscriptions)),
        accounts=AccountState(tuple(accounts), frozenset({"plan", "email"})),
        sources=(SourceInfo("billing", "bench", "memory", {"customers": n, "subscriptions": n}),),
    )


def config() -> Config:
    return Config(
        billing=BillingConfig(provider=Provider.STRIPE),
        database=DatabaseConfig(
            table="users",
            columns=ColumnMapping("id", "customer_id", "has_access", plan="plan", email="email"),
        ),
        plans=PlansConfig(
            prices={p: plan for p, (plan, _) in PRICES.items()},
            tiers=("free", "starter", "pro", "team"),
        ),
    )


def run(n: int) -> None:
    data = snapshot(n)
    settings = config()
    rules = load_rules(contracts_dir(), None, ())
    started = time.perf_counter()
    index = build_index(data, settings, NOW)
    indexed = time.perf_counter()
    result = evaluate(rules, index)
    done = time.perf_counter()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = done - started
    print(
        f"{n:>9,} accounts: index {indexed - started:6.2f} s, "
        f"evaluate {done - indexed:6.2f} s, "
        f"total {total:6.2f} s ({n / total:,.0f} accounts/s), {len(rules)} rules, "
        f"{len(result.findings):,} findings, peak RSS {peak_mib:,.0f} MiB (snapshot included)"
    )


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]:
        run(size)
