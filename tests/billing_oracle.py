"""The engine's tables as the Python index defines them, from its objects: the
oracle tests/test_sql_billing.py and test_sql_accounts.py hold
engine/sql_billing.py's and sql_accounts.py's SQL to (this was the engine's own
path for what Python read, before every object and row went through the
billing_* tables and db_accounts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from prodcheck.engine import access
from prodcheck.engine.account_facts import email_key, had_trial
from prodcheck.engine.entitlement import recovering
from prodcheck.engine.facts import SubscriptionRow, subscription_rows
from prodcheck.engine.index import Index
from prodcheck.engine.sql_conditions import cell
from prodcheck.engine.sql_load import ACCOUNT_FIELDS, CONVERTED, arrow_type, table, tuples_table
from prodcheck.model import ACCOUNT_ATTRIBUTES, Subscription


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
            "renewed_at": (moment, [s.renewed_at for _, s in rows]),
            "had_trial": (pa.bool_(), [had_trial(s) for _, s in rows]),
            "period_end": (moment, [s.period_end for _, s in rows]),
            # the subscription an id names when ids repeat (the index's choice)
            "canonical": (pa.bool_(), [by_id.get(s.id) is s for _, s in rows]),
            "price_set": (moment, [_price_set(s) for _, s in rows]),
            "cancel_at_period_end": (pa.bool_(), [s.cancel_at_period_end for _, s in rows]),
            "quantity": (number, [sum(i.quantity for i in s.items) for _, s in rows]),
            "recovering": (pa.bool_(), [recovering(s) for _, s in rows]),
            "collection_paused": (pa.bool_(), [s.collection_paused for _, s in rows]),
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


def _account_fields(index: Index, granted: list[bool]) -> dict[str, list[Any]]:
    """The `account.*` facts by field, column by column (account_facts.account_values
    per row; the parity test holds the two together)."""
    accounts = index.accounts
    derived: dict[str, list[Any]] = {
        "has_access": granted,
        # a deletion scheduled for later is not one yet
        "deleted": [a.deleted_at is not None and a.deleted_at <= index.now for a in accounts],
        "comped": [index.is_comped(a) for a in accounts],
    }
    found: dict[str, list[Any]] = {}
    for name, spec in ACCOUNT_FIELDS:
        if name in derived:
            values = derived[name]
        elif name in ACCOUNT_ATTRIBUTES:
            values = [getattr(a, name) for a in accounts]
        else:
            values = [a.value(name) for a in accounts]
        if spec.type in CONVERTED:
            values = [cell(v, spec) for v in values]
        found[name] = values
    return found


def _accounts(index: Index) -> Any:
    import pyarrow as pa

    columns, now, accounts = index.config.database.columns, index.now, index.accounts
    granted = [access.has_access(columns, a, now, index.app_rows_for(a)) for a in accounts]
    fields = _account_fields(index, granted)
    text = pa.string()
    return table(
        {
            "row": (pa.int64(), list(range(len(accounts)))),
            "db_plan": (text, [index.db_plan(a.plan) for a in accounts]),
            "email_key": (text, [email_key(a.email) for a in accounts]),
            **{name: (arrow_type(spec), fields[name]) for name, spec in ACCOUNT_FIELDS},
        }
    )


def account_tables(index: Index) -> dict[str, Any]:
    """The accounts side's tables, from the index's Account objects (sql_accounts.py
    computes the same ones by SQL when SQL read the accounts)."""
    import pyarrow as pa

    text = pa.string()
    return {
        "accounts": _accounts(index),
        # who settles: computed by the index (engine/index.py: _settling, _within_allowance)
        "settle_accounts": table({"id": (text, sorted(index.settling_accounts))}),
        "allowance": table({"id": (text, sorted(index.within_allowance))}),
    }
