"""The engine's billing tables as the Python index defines them, from its objects:
the oracle tests/test_sql_billing.py holds engine/sql_billing.py's SQL to (this
was the engine's own path for objects Python read, before every object went
through the billing_* tables)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from prodcheck.engine.account_facts import email_key, had_trial
from prodcheck.engine.facts import SubscriptionRow, subscription_rows
from prodcheck.engine.index import Index
from prodcheck.engine.sql_load import table, tuples_table
from prodcheck.model import Subscription


def _customers(index: Index) -> Any:
    import pyarrow as pa

    key = index.config.policy.metadata_user_id_key
    customers = list(index.customers.values())
    text = pa.string()
    return table(
        {
            "id": (text, [c.id for c in customers]),
            "deleted": (pa.bool_(), [c.deleted for c in customers]),
            "email": (text, [c.email for c in customers]),
            "email_key": (text, [email_key(c.email) for c in customers]),
            "metadata_user_id": (text, [c.metadata.get(key) for c in customers]),
        }
    )


def _price_set(subscription: Subscription) -> datetime | None:
    """When the subscription's current prices were set: its latest item's creation."""
    return max((i.created for i in subscription.items if i.created is not None), default=None)


def _subscriptions(
    rows: Sequence[SubscriptionRow], by_id: Mapping[str, Subscription]
) -> tuple[Any, Any, Any]:
    import pyarrow as pa

    text, number, moment = pa.string(), pa.int64(), pa.timestamp("us", tz="UTC")
    prices = {"sub_row": number, "pos": number, "price_id": text}
    items = tuples_table(
        prices,
        [
            (row, pos, i.price_id)
            for row, (_, s) in enumerate(rows)
            for pos, i in enumerate(s.items)
        ],
    )
    pending = tuples_table(
        prices,
        [
            (row, pos, price_id)
            for row, (_, s) in enumerate(rows)
            for pos, price_id in enumerate(s.pending_update_price_ids)
        ],
    )
    subscriptions = table(
        {
            "row": (number, list(range(len(rows)))),
            "id": (text, [s.id for _, s in rows]),
            "customer_id": (text, [c for c, _ in rows]),
            "status": (text, [s.status.value for _, s in rows]),
            "period_start": (moment, [s.period_start for _, s in rows]),
            "had_trial": (pa.bool_(), [had_trial(s) for _, s in rows]),
            "period_end": (moment, [s.period_end for _, s in rows]),
            # the subscription an id names when ids repeat (the index's choice)
            "canonical": (pa.bool_(), [by_id.get(s.id) is s for _, s in rows]),
            "price_set": (moment, [_price_set(s) for _, s in rows]),
            "cancel_at_period_end": (pa.bool_(), [s.cancel_at_period_end for _, s in rows]),
            "quantity": (number, [sum(i.quantity for i in s.items) for _, s in rows]),
        }
    )
    return subscriptions, items, pending


def _schedule_prices(index: Index) -> Any:
    """One row per (schedule, phase, price) of the schedules attached to a subscription."""
    import pyarrow as pa

    text, moment = pa.string(), pa.timestamp("us", tz="UTC")
    types = {
        "schedule_row": pa.int64(),
        "subscription": text,
        "status": text,
        "created": moment,
        "phase_start": moment,
        "price_id": text,
    }
    schedules = [s for group in index.schedules_by_subscription.values() for s in group]
    return tuples_table(
        types,
        [
            (number, schedule.subscription_id, schedule.status, schedule.created, phase.start, p)
            for number, schedule in enumerate(schedules)
            for phase in schedule.phases
            for p in phase.price_ids
        ],
    )


def billing_tables(index: Index, subscription_rows: Sequence[SubscriptionRow]) -> dict[str, Any]:
    """The billing side's tables, from the index's Python objects."""
    import pyarrow as pa

    subscriptions, items, pending = _subscriptions(subscription_rows, index.subscriptions_by_id)
    return {
        "customers": _customers(index),
        "subscriptions": subscriptions,
        "items": items,
        "pending": pending,
        "schedule_prices": _schedule_prices(index),
        # who settles: computed by the index (engine/index.py: _settling)
        "settle_customers": table({"id": (pa.string(), sorted(index.settling_customers))}),
    }


def register(conn: Any, index: Index) -> None:
    """The tables, registered on `conn`."""
    for name, arrow in billing_tables(index, subscription_rows(index)).items():
        conn.register(name, arrow)
