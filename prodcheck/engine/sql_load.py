"""The small tables the engine's SQL joins, loaded from the config and the index
through Arrow: the plans, their tiers, the app's subscription ids. Billing's and
the accounts' tables are computed by SQL (sql_billing.py, sql_accounts.py) from
the billing_* tables and db_accounts; what Python decides for a row is computed
per distinct value and registered there.

Also the Arrow types of fact cells (`arrow_type`, `table`), and the tables a
kind's view reads its rows from when Python lists them (`row_tables`).

pyarrow is imported here only, when the SQL engine runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prodcheck.catalogue import FACTS
from prodcheck.engine.credit_facts import credit_facts as credit_subject_facts
from prodcheck.engine.index import Index
from prodcheck.factspec import FactSpec, FactType
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
    if kind == "event":
        moment = pa.timestamp("us", tz="UTC")
        columns = {
            "event.id": (text, [e.id for e in rows]),
            "event.type": (text, [e.type for e in rows]),
            "event.created": (moment, [e.created for e in rows]),
            "event.object_id": (text, [e.object_id for e in rows]),
            "event.pending_webhooks": (number, [e.pending_webhooks for e in rows]),
            "event.notification_id": (text, [e.notification_id for e in rows]),
            "event.subscription_id": (text, [e.subscription_id for e in rows]),
        }
        return {"event_rows": table({"row": (number, list(range(len(rows)))), **columns})}
    if kind == "credit_account":
        specs = FACTS[kind]
        built = [credit_subject_facts(row) for row in rows]
        columns = {  # the view computes the difference
            name: (arrow_type(spec), [facts[name] for facts in built])
            for name, spec in specs.items()
            if name != "difference"
        }
        return {"credit_rows": table({"row": (number, list(range(len(rows)))), **columns})}
    return {}


def load(conn: Any, index: Index) -> None:
    """Register the tables on a DuckDB connection."""
    import pyarrow as pa

    text = pa.string()
    plans = index.config.plans
    tables = {
        "plans": table(
            {"price_id": (text, list(plans.prices)), "plan": (text, list(plans.prices.values()))}
        ),
        "tiers": table(
            {"plan": (text, list(plans.tiers)), "tier": (pa.int64(), list(range(len(plans.tiers))))}
        ),
        # Only text ids can equal a subscription id.
        "app_ids": table({"id": (text, sorted(i for i in index.app_ids if isinstance(i, str)))}),
        "processed_ids": table(
            {
                "id": (text, list(index.processed_counts)),
                "count": (pa.int64(), list(index.processed_counts.values())),
            }
        ),
    }
    for name, arrow in tables.items():
        conn.register(name, arrow)
