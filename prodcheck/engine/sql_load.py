"""The snapshot's tables the engine does not compute by SQL, loaded from the
index's Python objects through Arrow: the accounts when SQL did not read them
(sql_accounts.py computes the same tables from what it read), the plans, the
app's subscription ids. Billing's tables are always computed by SQL
(sql_billing.py) from the billing_* tables.

What the app's mapping decides for one row (access the app's way, the plan its
plan column stands for, an email compared case-blind) is computed here, once per
row; everything that joins, groups or ranks is SQL, in sql_facts.py. Rows keep the
index's order (`row`), which is the order reports walk subjects in.

Tables: accounts, plans (price -> plan), tiers (plan -> rank), app_ids (ids in
the app's own subscriptions table), settle_accounts and allowance (the ids the
settle window and the app's access allowance hold back).

pyarrow is imported here only, when the SQL engine runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prodcheck.catalogue import FACTS
from prodcheck.engine import access
from prodcheck.engine.account_facts import email_key
from prodcheck.engine.index import Index
from prodcheck.engine.sql_conditions import cell
from prodcheck.factspec import FactSpec, FactType
from prodcheck.model import ACCOUNT_ATTRIBUTES
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


def load(conn: Any, index: Index) -> None:
    """Register the snapshot's tables on a DuckDB connection (billing's are
    computed there by sql_billing.py), the accounts' unless SQL read them
    (index.accounts_in_db)."""
    import pyarrow as pa

    text = pa.string()
    plans = index.config.plans
    tables = {
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
