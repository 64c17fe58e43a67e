"""The model's billing objects written into the normalized billing tables a
provider's SQL writes (sources/stripe_sql.py, paddle_sql.py): the inverse of
billing_objects.py. `place` puts the objects the SQL leaves to the provider's
Python normalizer (an object of a shape it does not read exactly as the
normalizer does, a file DuckDB's reader refuses) in their place beside the
objects the SQL read; `store` writes a snapshot made of Python objects (the
Python readers', a test's) into new tables. The engine reads every object from
the tables, whoever normalized it.

The connection is given; pyarrow is imported here, duckdb by whoever opened the
connection.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields as dataclass_fields
from typing import Any

from prodcheck.model import (
    BillingState,
    Event,
    Subscription,
    SubscriptionSchedule,
)

Row = dict[str, Any]  # column -> value

# billing_schedules' columns are the schedule's own fields, phases aside.
_SCHEDULE_FIELDS = tuple(
    f.name for f in dataclass_fields(SubscriptionSchedule) if f.name != "phases"
)
_TIME = "TIMESTAMP WITH TIME ZONE"
_EVENT_TYPES = {
    "created": _TIME,
    "pending_webhooks": "BIGINT",
    "amount": "BIGINT",
    "delivered": "BOOLEAN",
}
# Each table's columns, as the providers' SQL writes them (tests/test_unread_objects.py
# holds the two together).
COLUMNS: dict[str, dict[str, str]] = {
    "billing_customers": {
        "pos": "BIGINT",
        "id": "VARCHAR",
        "email": "VARCHAR",
        "name": "VARCHAR",
        "created": _TIME,
        "deleted": "BOOLEAN",
        "metadata": "JSON",
        "ok": "BOOLEAN",
    },
    "billing_subscriptions": {
        "pos": "BIGINT",
        "id": "VARCHAR",
        "customer_id": "VARCHAR",
        "status": "VARCHAR",
        "created": _TIME,
        "current_period_start": _TIME,
        "current_period_end": _TIME,
        "cancel_at": _TIME,
        "canceled_at": _TIME,
        "ended_at": _TIME,
        "trial_start": _TIME,
        "trial_end": _TIME,
        "cancel_at_period_end": "BOOLEAN",
        "pause_reason": "VARCHAR",
        "collection_paused": "BOOLEAN",
        "metadata": "JSON",
        "ok": "BOOLEAN",
    },
    "billing_items": {
        "sub_pos": "BIGINT",
        "pos": "BIGINT",
        "id": "VARCHAR",
        "price_id": "VARCHAR",
        "quantity": "BIGINT",
        "unit_amount": "BIGINT",
        "currency": "VARCHAR",
        "interval": "VARCHAR",
        "interval_count": "BIGINT",
        "current_period_start": _TIME,
        "current_period_end": _TIME,
        "created": _TIME,
        "product_id": "VARCHAR",
        "lookup_key": "VARCHAR",
        "product_name": "VARCHAR",
        "ok": "BOOLEAN",
    },
    "billing_pending": {"sub_pos": "BIGINT", "pos": "BIGINT", "price_id": "VARCHAR"},
    "billing_schedules": {
        "pos": "BIGINT",
        **{name: _TIME if name == "created" else "VARCHAR" for name in _SCHEDULE_FIELDS},
        "ok": "BOOLEAN",
    },
    "billing_schedule_phases": {
        "schedule_pos": "BIGINT",
        "pos": "BIGINT",
        "phase_start": _TIME,
        "phase_end": _TIME,
        "price_ids": "VARCHAR[]",
        "ok": "BOOLEAN",
    },
    # billing_events' columns are the event's fields.
    "billing_events": {
        "pos": "BIGINT",
        **{f.name: _EVENT_TYPES.get(f.name, "VARCHAR") for f in dataclass_fields(Event)},
        "ok": "BOOLEAN",
    },
}

# Each collection's tables, with the column holding the position of the object a
# row belongs to.
TABLES = {
    "customers": (("billing_customers", "pos"),),
    "subscriptions": (
        ("billing_subscriptions", "pos"),
        ("billing_items", "sub_pos"),
        ("billing_pending", "sub_pos"),
    ),
    "subscription_schedules": (
        ("billing_schedules", "pos"),
        ("billing_schedule_phases", "schedule_pos"),
    ),
    "events": (("billing_events", "pos"),),
    "notifications": (("billing_events", "pos"),),  # Paddle's: one event row each
}


def _metadata(values: Mapping[str, str]) -> str:
    return json.dumps(dict(values), ensure_ascii=False)


def _row(pos: int, obj: Any, omit: tuple[str, ...] = (), **values: Any) -> Row:
    """The row of an object whose fields are its table's columns: its position,
    each field (but those omitted; `values` replace some), ok."""
    fields = {f.name: getattr(obj, f.name) for f in dataclass_fields(obj) if f.name not in omit}
    return {"pos": pos, **fields, **values, "ok": True}


def _subscriptions(
    objects: Sequence[Subscription], positions: Sequence[int]
) -> dict[str, list[Row]]:
    subscriptions: list[Row] = []
    items: list[Row] = []
    pending: list[Row] = []
    nested = ("items", "pending_update_price_ids", "provider")
    for pos, s in zip(positions, objects, strict=True):
        status, metadata = s.status.value, _metadata(s.metadata)
        subscriptions.append(_row(pos, s, nested, status=status, metadata=metadata))
        items += ({"sub_pos": pos, **_row(n, item)} for n, item in enumerate(s.items))
        pending += (
            {"sub_pos": pos, "pos": n, "price_id": price_id}
            for n, price_id in enumerate(s.pending_update_price_ids)
        )
    return {
        "billing_subscriptions": subscriptions,
        "billing_items": items,
        "billing_pending": pending,
    }


def _schedules(
    objects: Sequence[SubscriptionSchedule], positions: Sequence[int]
) -> dict[str, list[Row]]:
    schedules: list[Row] = []
    phases: list[Row] = []
    for pos, s in zip(positions, objects, strict=True):
        schedules.append(_row(pos, s, ("phases",)))
        phases += (
            {
                "schedule_pos": pos,
                "pos": n,
                "phase_start": phase.start,
                "phase_end": phase.end,
                "price_ids": list(phase.price_ids),
                "ok": True,
            }
            for n, phase in enumerate(s.phases)
        )
    return {"billing_schedules": schedules, "billing_schedule_phases": phases}


def _rows(state: BillingState, positions: Mapping[str, Sequence[int]]) -> dict[str, list[Row]]:
    """Each table's rows for the state's objects of the collections in `positions`."""
    rows: dict[str, list[Row]] = {}
    if "customers" in positions:
        rows["billing_customers"] = [
            _row(pos, c, metadata=_metadata(c.metadata))
            for pos, c in zip(positions["customers"], state.customers, strict=True)
        ]
    if "subscriptions" in positions:
        rows |= _subscriptions(state.subscriptions, positions["subscriptions"])
    if "subscription_schedules" in positions:
        rows |= _schedules(state.schedules, positions["subscription_schedules"])
    for name in ("events", "notifications"):
        if name in positions:
            rows["billing_events"] = [
                _row(pos, e) for pos, e in zip(positions[name], state.events, strict=True)
            ]
    return rows


def arrow_type(kind: str) -> Any:
    """The Arrow type of a column of this SQL type (as DuckDB names it, or spells
    it in a declaration)."""
    import pyarrow as pa

    moment = pa.timestamp("us", tz="UTC")
    return {
        "BIGINT": pa.int64(),
        "VARCHAR": pa.string(),
        "JSON": pa.string(),
        "BOOLEAN": pa.bool_(),
        _TIME: moment,
        "TIMESTAMPTZ": moment,
        "VARCHAR[]": pa.list_(pa.string()),
    }[kind]


def _arrow(table: str, rows: list[Row]) -> Any:
    """The rows as an Arrow table of the billing table's own column types."""
    import pyarrow as pa

    columns = COLUMNS[table]
    return pa.table(
        {name: pa.array([row[name] for row in rows], arrow_type(columns[name])) for name in rows[0]}
    )


def delete_at(conn: Any, tables: Iterable[tuple[str, str]], positions: Sequence[int]) -> None:
    """Delete the rows of these positions from each (table, its position column)."""
    import pyarrow as pa

    conn.register("placed_positions", pa.table({"pos": pa.array(positions, pa.int64())}))
    for table, column in tables:
        conn.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT pos FROM placed_positions)")
    conn.unregister("placed_positions")


def insert(conn: Any, table: str, rows: Any) -> None:
    """Append an Arrow table's rows to `table`, its columns matched by name."""
    conn.register("placed_rows", rows)
    conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM placed_rows")
    conn.unregister("placed_rows")


def place(conn: Any, state: BillingState, positions: Mapping[str, Sequence[int]]) -> None:
    """Put the state's objects into the billing tables, the n-th object of a
    collection at positions[collection][n], in place of whatever rows the SQL
    wrote at those positions (an object it could not read)."""
    for collection, spots in positions.items():
        delete_at(conn, TABLES[collection], spots)
    for table, rows in _rows(state, positions).items():
        if rows:
            insert(conn, table, _arrow(table, rows))


def store(conn: Any, state: BillingState) -> None:
    """Every object of the state into new billing tables, at its position in its
    collection (a snapshot made of Python objects)."""
    for table, columns in COLUMNS.items():
        declared = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({declared})")
    collections = {
        "customers": state.customers,
        "subscriptions": state.subscriptions,
        "subscription_schedules": state.schedules,
        "events": state.events,
    }
    place(conn, state, {name: range(len(objects)) for name, objects in collections.items()})
