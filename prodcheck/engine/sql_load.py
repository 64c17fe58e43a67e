"""The normalized snapshot as DuckDB tables, loaded from the index's Python objects
through Arrow (the next issue reads fixtures and database rows straight into DuckDB
instead).

What the app's mapping decides for one row (access the app's way, the plan its
plan column stands for, an email compared case-blind) is computed here, once per
row; everything that joins, groups or ranks is SQL, in sql_facts.py. Rows keep the
index's order (`row`), which is the order reports walk subjects in.

Tables: accounts, customers, subscriptions, items (price per subscription item),
pending (prices of pending updates), plans (price -> plan), tiers (plan -> rank),
app_ids (ids in the app's own subscriptions table).

pyarrow is imported here only, when the SQL engine runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prodcheck.catalogue import FACTS
from prodcheck.engine import access
from prodcheck.engine.account_facts import account_values, had_trial
from prodcheck.engine.facts import SubscriptionRow
from prodcheck.engine.index import Index
from prodcheck.engine.sql_conditions import cell
from prodcheck.factspec import FactSpec, FactType

# The `account.*` facts, loaded as columns named by their path.
ACCOUNT_FIELDS = tuple(
    spec for path, spec in FACTS["account"].items() if path.startswith("account.")
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


def _key(email: str | None) -> str | None:
    """An email as identity compares it: case and surrounding spaces aside."""
    return email.strip().lower() if email else None


def _accounts(index: Index) -> Any:
    import pyarrow as pa

    columns = index.config.database.columns
    fields: dict[str, list[Any]] = {spec.name: [] for spec in ACCOUNT_FIELDS}
    customer_ids, granted, db_plans, emails = [], [], [], []
    for account in index.accounts:
        has = access.has_access(columns, account, index.now, index.app_rows_for(account))
        values = account_values(index, account, has)
        for spec in ACCOUNT_FIELDS:
            fields[spec.name].append(cell(values.get(spec.name[len("account.") :]), spec))
        customer_ids.append(account.customer_id)
        granted.append(has)
        db_plans.append(index.db_plan(account.plan))
        emails.append(_key(account.email))
    text = pa.string()
    return table(
        {
            "row": (pa.int64(), list(range(len(index.accounts)))),
            "customer_id": (text, customer_ids),
            "has_access": (pa.bool_(), granted),
            "db_plan": (text, db_plans),
            "email_key": (text, emails),
            **{spec.name: (arrow_type(spec), fields[spec.name]) for spec in ACCOUNT_FIELDS},
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
            "email_key": (text, [_key(c.email) for c in customers]),
            "metadata_user_id": (text, [c.metadata.get(key) for c in customers]),
        }
    )


def _subscriptions(rows: Sequence[SubscriptionRow]) -> tuple[Any, Any, Any]:
    import pyarrow as pa

    text, number, moment = pa.string(), pa.int64(), pa.timestamp("us", tz="UTC")
    items: dict[str, list[Any]] = {"sub_row": [], "pos": [], "price_id": []}
    pending: dict[str, list[Any]] = {"sub_row": [], "pos": [], "price_id": []}
    for row, (_, subscription) in enumerate(rows):
        for target, prices in (
            (items, subscription.price_ids),
            (pending, subscription.pending_update_price_ids),
        ):
            for pos, price_id in enumerate(prices):
                target["sub_row"].append(row)
                target["pos"].append(pos)
                target["price_id"].append(price_id)
    subscriptions = table(
        {
            "row": (number, list(range(len(rows)))),
            "id": (text, [s.id for _, s in rows]),
            "customer_id": (text, [c for c, _ in rows]),
            "status": (text, [s.status.value for _, s in rows]),
            "period_start": (moment, [s.period_start for _, s in rows]),
            "had_trial": (pa.bool_(), [had_trial(s) for _, s in rows]),
        }
    )
    kinds = {"sub_row": number, "pos": number, "price_id": text}

    def price_table(values: dict[str, list[Any]]) -> Any:
        return table({name: (kinds[name], values[name]) for name in kinds})

    return subscriptions, price_table(items), price_table(pending)


def load(conn: Any, index: Index, subscription_rows: Sequence[SubscriptionRow]) -> None:
    """Register the snapshot's tables on a DuckDB connection."""
    import pyarrow as pa

    text = pa.string()
    plans = index.config.plans
    subscriptions, items, pending = _subscriptions(subscription_rows)
    tables = {
        "accounts": _accounts(index),
        "customers": _customers(index),
        "subscriptions": subscriptions,
        "items": items,
        "pending": pending,
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
