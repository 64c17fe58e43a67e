"""The model's billing objects read back from the normalized billing tables a
provider's SQL writes (sources/stripe_sql.py, paddle_sql.py): all of them, or
only those of some customers, which is all the engine needs to write the
messages of the subjects that fire.

Tables: billing_subscriptions, billing_items, billing_pending, billing_customers,
billing_schedules, billing_schedule_phases, billing_events (columns in
sources/stripe_sql.py). The connection is given; nothing here imports duckdb.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from prodcheck.model import (
    BillingState,
    Customer,
    Event,
    Provider,
    SchedulePhase,
    Subscription,
    SubscriptionItem,
    SubscriptionSchedule,
    SubscriptionStatus,
)

_STATUSES = {s.value: s for s in SubscriptionStatus}


def _metadata(text: str | None) -> dict[str, str]:
    """The SQL reads only metadata whose values are text or null (null is unset)."""
    if text is None:
        return {}
    return {key: value for key, value in json.loads(text).items() if value is not None}


class _Filter:
    """`WHERE <column> IN (the customer ids)`, or no filter for all of them; the ids
    go in as a registered table, never as text in the query."""

    def __init__(self, conn: Any, customers: Collection[str] | None) -> None:
        self.conn = conn
        self.all = customers is None
        if customers is not None:
            import pyarrow as pa

            ids = pa.array(sorted(customers), pa.string())
            conn.register("wanted_customers", pa.table({"id": ids}))

    def where(self, column: str) -> str:
        return "" if self.all else f"WHERE {column} IN (SELECT id FROM wanted_customers)"


def _items(conn: Any, subs: str) -> dict[int, list[SubscriptionItem]]:
    """Items by their subscription's position; the columns in SubscriptionItem's order."""
    items: dict[int, list[SubscriptionItem]] = defaultdict(list)
    for sub_pos, *fields in conn.execute(
        "SELECT sub_pos, id, price_id, quantity, unit_amount, currency, interval, "
        "interval_count, current_period_start, current_period_end, created, product_id, "
        f"lookup_key, product_name FROM billing_items WHERE sub_pos IN ({subs}) "
        "ORDER BY sub_pos, pos"
    ).fetchall():
        items[sub_pos].append(SubscriptionItem(*fields))
    return items


def _subscriptions(conn: Any, only: _Filter, provider: Provider) -> dict[int, Subscription]:
    """Position -> subscription, in position order."""
    subs = f"SELECT pos FROM billing_subscriptions {only.where('customer_id')}"
    items = _items(conn, subs)
    pending: dict[int, list[str]] = defaultdict(list)
    for sub_pos, price_id in conn.execute(
        f"SELECT sub_pos, price_id FROM billing_pending WHERE sub_pos IN ({subs}) "
        "ORDER BY sub_pos, pos"
    ).fetchall():
        pending[sub_pos].append(price_id)
    found = {}
    for (
        pos, sub_id, customer_id, status, created, period_start, period_end, cancel_at,
        canceled_at, ended_at, trial_start, trial_end, at_period_end, pause_reason,
        collection_paused, metadata,
    ) in conn.execute(
        "SELECT pos, id, customer_id, status, created, current_period_start, "
        "current_period_end, cancel_at, canceled_at, ended_at, trial_start, trial_end, "
        "cancel_at_period_end, pause_reason, collection_paused, metadata "
        f"FROM billing_subscriptions {only.where('customer_id')} ORDER BY pos"
    ).fetchall():  # fmt: skip
        found[pos] = Subscription(
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
            pause_reason=pause_reason,
            collection_paused=collection_paused,
            metadata=_metadata(metadata),
            provider=provider,
        )
    return found


def _schedules(conn: Any, only: _Filter) -> tuple[SubscriptionSchedule, ...]:
    """The schedules of the subscriptions read (all of them when no filter)."""
    attached = (
        ""
        if only.all
        else "WHERE subscription_id IN (SELECT id FROM billing_subscriptions "
        f"{only.where('customer_id')})"
    )
    schedules = f"SELECT pos FROM billing_schedules {attached}"
    phases: dict[int, list[SchedulePhase]] = defaultdict(list)
    for schedule_pos, start, end, prices in conn.execute(
        "SELECT schedule_pos, phase_start, phase_end, price_ids FROM billing_schedule_phases "
        f"WHERE schedule_pos IN ({schedules}) ORDER BY schedule_pos, pos"
    ).fetchall():
        phases[schedule_pos].append(SchedulePhase(start, end, tuple(prices)))
    return tuple(
        SubscriptionSchedule(sid, subscription, customer, status, created, tuple(phases[pos]))
        for pos, sid, subscription, customer, status, created in conn.execute(
            "SELECT pos, id, subscription_id, customer_id, status, created "
            f"FROM billing_schedules {attached} ORDER BY pos"
        ).fetchall()
    )


def billing_objects(
    conn: Any,
    loaded: frozenset[str],
    customers: Collection[str] | None = None,
    provider: Provider = Provider.STRIPE,
) -> tuple[BillingState, dict[int, Subscription]]:
    """The objects the tables hold, in their collections' order: all of them, or the
    customers named, their subscriptions and those subscriptions' schedules (no
    events: what they say is in settle_customers). Also each subscription by its
    position in its collection."""
    only = _Filter(conn, customers)
    customer_objects = tuple(
        Customer(cid, email, name, created, deleted, _metadata(metadata))
        for cid, email, name, created, deleted, metadata in conn.execute(
            "SELECT id, email, name, created, deleted, metadata FROM billing_customers "
            f"{only.where('id')} ORDER BY pos"
        ).fetchall()
    )
    events: tuple[Event, ...] = ()
    if only.all:
        events = tuple(
            Event(*row)
            for row in conn.execute(
                "SELECT id, type, created, object_id, pending_webhooks, notification_id, "
                "destination, delivered, subscription_id, amount, currency, status "
                "FROM billing_events ORDER BY pos"
            ).fetchall()
        )
    subscriptions = _subscriptions(conn, only, provider)
    state = BillingState(
        provider=provider,
        customers=customer_objects,
        subscriptions=tuple(subscriptions.values()),
        schedules=_schedules(conn, only),
        events=events,
        loaded=loaded,
    )
    return state, subscriptions
