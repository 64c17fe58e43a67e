"""Stripe fixture files read by DuckDB and normalized by SQL (stripe_sql.py), into
the billing_* tables of a DuckDB connection the engine then reads (the switch
`PRODCHECK_LOADER=duckdb`, while this path is proved against fixtures.py).

`read_stripe_folder` returns None whenever the SQL path would not read the folder
exactly as fixtures.py and stripe_normalize.py do (a missing required file, a
byte-order mark, a nesting DuckDB's reader refuses, an object of another shape
than the API's own): the caller then reads it the Python way, which also names
each problem. The model objects are read back from the tables (`billing_state`)
for the facts the messages show.

The connection is given; duckdb is imported by whoever opens it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from prodcheck.bundled import display_path
from prodcheck.model import (
    BillingState,
    Customer,
    Event,
    Provider,
    SchedulePhase,
    SourceInfo,
    Subscription,
    SubscriptionItem,
    SubscriptionSchedule,
    SubscriptionStatus,
)
from prodcheck.sources.duck_fixtures import raw_table
from prodcheck.sources.fixtures import REQUIRED, collection_file
from prodcheck.sources.stripe_sql import OPTIONAL, RAW_COLUMNS, STATEMENTS, empty_table

_STATUSES = {s.value: s for s in SubscriptionStatus}


def read_stripe_folder(conn: Any, folder: Path) -> tuple[BillingState, SourceInfo] | None:
    base = folder / "stripe"
    if not base.is_dir():
        return None
    counts: dict[str, int] = {}
    for name, columns in RAW_COLUMNS.items():
        path = collection_file(base, name, (".json", ".ndjson"))
        if not path.is_file():
            if name in REQUIRED or name not in OPTIONAL:
                return None
            conn.execute(empty_table(name))
            continue
        count = raw_table(conn, f"raw_stripe_{name}", path, columns)
        if count is None:
            return None
        counts[name] = count
    for statement in STATEMENTS:
        conn.execute(statement)
    if conn.execute("SELECT count(*) FROM stripe_unread").fetchone()[0]:
        return None
    info = SourceInfo(
        side="billing",
        kind="fixture",
        location=display_path(base),
        counts=dict(sorted(counts.items())),
    )
    return billing_state(conn, frozenset(counts)), info


def _metadata(text: str | None) -> dict[str, str]:
    """The SQL path reads only metadata whose values are text or null."""
    if text is None:
        return {}
    return {key: value for key, value in json.loads(text).items() if value is not None}


def _items(conn: Any) -> dict[int, list[SubscriptionItem]]:
    """Items by their subscription's position; the columns in SubscriptionItem's order."""
    items: dict[int, list[SubscriptionItem]] = defaultdict(list)
    for sub_pos, *fields in conn.execute(
        "SELECT sub_pos, id, price_id, quantity, unit_amount, currency, interval, "
        "interval_count, current_period_start, current_period_end, created, product_id, "
        "lookup_key, product_name FROM billing_items ORDER BY sub_pos, pos"
    ).fetchall():
        items[sub_pos].append(SubscriptionItem(*fields))
    return items


def _subscriptions(conn: Any) -> tuple[Subscription, ...]:
    items = _items(conn)
    pending: dict[int, list[str]] = defaultdict(list)
    for sub_pos, price_id in conn.execute(
        "SELECT sub_pos, price_id FROM billing_pending ORDER BY sub_pos, pos"
    ).fetchall():
        pending[sub_pos].append(price_id)
    found = []
    for (
        pos, sub_id, customer_id, status, created, period_start, period_end, cancel_at,
        canceled_at, ended_at, trial_start, trial_end, at_period_end, metadata,
    ) in conn.execute(
        "SELECT pos, id, customer_id, status, created, current_period_start, "
        "current_period_end, cancel_at, canceled_at, ended_at, trial_start, trial_end, "
        "cancel_at_period_end, metadata FROM billing_subscriptions ORDER BY pos"
    ).fetchall():  # fmt: skip
        found.append(
            Subscription(
                id=sub_id,
                customer_id=customer_id,
                status=_STATUSES[status],
                items=tuple(items.get(pos, ())),
                created=created,
                current_period_start=period_start,
                current_period_end=period_end,
                cancel_at_period_end=at_period_end,
                cancel_at=cancel_at,
                canceled_at=canceled_at,
                ended_at=ended_at,
                trial_start=trial_start,
                trial_end=trial_end,
                pending_update_price_ids=tuple(pending.get(pos, ())),
                metadata=_metadata(metadata),
                provider=Provider.STRIPE,
            )
        )
    return tuple(found)


def _schedules(conn: Any) -> tuple[SubscriptionSchedule, ...]:
    phases: dict[int, list[SchedulePhase]] = defaultdict(list)
    for schedule_pos, start, end, prices in conn.execute(
        "SELECT schedule_pos, phase_start, phase_end, price_ids FROM billing_schedule_phases "
        "ORDER BY schedule_pos, pos"
    ).fetchall():
        phases[schedule_pos].append(SchedulePhase(start, end, tuple(prices)))
    return tuple(
        SubscriptionSchedule(sid, subscription, customer, status, created, tuple(phases[pos]))
        for pos, sid, subscription, customer, status, created in conn.execute(
            "SELECT pos, id, subscription_id, customer_id, status, created "
            "FROM billing_schedules ORDER BY pos"
        ).fetchall()
    )


def billing_state(conn: Any, loaded: frozenset[str]) -> BillingState:
    """The model objects the billing_* tables hold, in their collections' order."""
    customers = tuple(
        Customer(cid, email, name, created, deleted, _metadata(metadata))
        for cid, email, name, created, deleted, metadata in conn.execute(
            "SELECT id, email, name, created, deleted, metadata FROM billing_customers ORDER BY pos"
        ).fetchall()
    )
    events = tuple(
        Event(*row)
        for row in conn.execute(
            "SELECT id, type, created, object_id, pending_webhooks FROM billing_events ORDER BY pos"
        ).fetchall()
    )
    return BillingState(
        provider=Provider.STRIPE,
        customers=customers,
        subscriptions=_subscriptions(conn),
        schedules=_schedules(conn),
        events=events,
        loaded=loaded,
    )
