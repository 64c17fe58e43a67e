"""The normalized snapshot as DuckDB tables, loaded from the index's Python objects
through Arrow, for what SQL did not read itself (sql_billing.py and
sql_accounts.py compute the same tables from what it read).

What the app's mapping decides for one row (access the app's way, the plan its
plan column stands for, an email compared case-blind) is computed here, once per
row; everything that joins, groups or ranks is SQL, in sql_facts.py. Rows keep the
index's order (`row`), which is the order reports walk subjects in.

Tables: accounts, customers, subscriptions, items (price per subscription item),
pending (prices of pending updates), plans (price -> plan), tiers (plan -> rank),
schedule_prices (a schedule's phases and their prices), app_ids (ids in the app's
own subscriptions table), settle_customers, settle_accounts and allowance (the ids
the settle window and the app's access allowance hold back).

pyarrow is imported here only, when the SQL engine runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from prodcheck.catalogue import FACTS
from prodcheck.engine import access
from prodcheck.engine.account_facts import email_key, had_trial
from prodcheck.engine.facts import SubscriptionRow
from prodcheck.engine.index import Index
from prodcheck.engine.sql_conditions import cell
from prodcheck.factspec import FactSpec, FactType
from prodcheck.model import ACCOUNT_ATTRIBUTES, Subscription
from prodcheck.tables import APP_SUBSCRIPTIONS

# Fact types whose cells differ from the Python value (sql_conditions.cell).
CONVERTED = frozenset({FactType.OBJECT, FactType.MONEY, FactType.LIST})
# The `account.*` facts: (field, its declaration), loaded as columns named by field.
ACCOUNT_FIELDS = tuple(
    (path[len("account.") :], spec)
    for path, spec in FACTS["account"].items()
    if path.startswith("account.")
)


def arrow_type(spec: FactSpec) -> Any:
    import pyarrow as pa

    types = {
        FactType.FLAG: pa.bool_(),
        FactType.INTEGER: pa.int64(),
        FactType.NUMBER: pa.float64(),
        FactType.ID: pa.string(),
        FactType.TEXT: pa.string(),
        FactType.TIME: pa.timestamp("us", tz="UTC"),
        FactType.MONEY: pa.string(),
        FactType.OBJECT: pa.bool_(),
    }
    if spec.type is FactType.LIST:
        return pa.list_(types[spec.item or FactType.TEXT])
    return types[spec.type]


def table(columns: dict[str, tuple[Any, list[Any]]]) -> Any:
    """An Arrow table from {name: (arrow type, values)}."""
    import pyarrow as pa

    return pa.table({name: pa.array(values, kind) for name, (kind, values) in columns.items()})


def tuples_table(types: Mapping[str, Any], rows: Sequence[tuple[Any, ...]]) -> Any:
    """An Arrow table from {name: arrow type} and rows as tuples in that order."""
    cells = list(zip(*rows, strict=True)) if rows else [()] * len(types)
    return table(
        {
            name: (kind, list(values))
            for (name, kind), values in zip(types.items(), cells, strict=True)
        }
    )


def _account_fields(index: Index, granted: list[bool]) -> dict[str, list[Any]]:
    """The `account.*` facts by field, column by column (account_facts.account_values
    per row; the parity test holds the two together)."""
    accounts = index.accounts
    derived: dict[str, list[Any]] = {
        "has_access": granted,
        "deleted": [a.deleted_at is not None for a in accounts],
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


def row_tables(kind: str, rows: Sequence[Any]) -> dict[str, Any]:
    """The tables a kind's view reads its rows from (facts.KINDS order): customer and
    price ids, each person's customers, the app's subscriptions rows."""
    import pyarrow as pa

    text, number = pa.string(), pa.int64()
    if kind in ("customer", "price"):
        keys = list(rows) if kind == "customer" else [price_id for price_id, _ in rows]
        ids = {"row": (number, list(range(len(rows)))), "id": (text, keys)}
        return {f"{kind}_rows": table(ids)}
    if kind == "person":
        types = {"row": number, "key": text, "email": text, "customer_id": text}
        members = [
            (row, key, email, customer_id)
            for row, (key, email, customer_ids) in enumerate(rows)
            for customer_id in customer_ids
        ]
        return {"person_members": tuples_table(types, members)}
    if kind == "app_subscription":
        fields = {f"app_subscription.{f.name}": f for f in APP_SUBSCRIPTIONS.fields}
        columns = {
            name: (arrow_type(FACTS[kind][name]), [row.get(field.name) for row in rows])
            for name, field in fields.items()
        }
        return {"app_rows": table({"row": (number, list(range(len(rows)))), **columns})}
    return {}


def billing_tables(index: Index, subscription_rows: Sequence[SubscriptionRow]) -> dict[str, Any]:
    """The billing side's tables, from the index's Python objects (sql_billing.py
    computes the same ones by SQL when SQL read billing)."""
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


def load(conn: Any, index: Index, subscription_rows: Sequence[SubscriptionRow]) -> None:
    """Register the snapshot's tables on a DuckDB connection; the billing side's too
    unless SQL read billing (index.billing_db), the accounts' unless SQL read them
    (index.accounts_in_db)."""
    import pyarrow as pa

    text = pa.string()
    plans = index.config.plans
    tables = {
        **({} if index.billing_db is not None else billing_tables(index, subscription_rows)),
        **({} if index.accounts_in_db else account_tables(index)),
        "plans": table(
            {"price_id": (text, list(plans.prices)), "plan": (text, list(plans.prices.values()))}
        ),
        "tiers": table(
            {"plan": (text, list(plans.tiers)), "tier": (pa.int64(), list(range(len(plans.tiers))))}
        ),
        # Only text ids can equal a subscription id.
        "app_ids": table({"id": (text, sorted(i for i in index.app_ids if isinstance(i, str)))}),
    }
    for name, arrow in tables.items():
        conn.register(name, arrow)
