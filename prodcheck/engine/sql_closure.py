"""Which billing objects and accounts the engine reads back from DuckDB for the
subjects whose facts it builds (`closure`), and the small id tables the queries
about them join (registered through Arrow, never written into a query's text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from prodcheck.engine.account_facts import ids_looked_up

if TYPE_CHECKING:
    from prodcheck.engine.sql_engine import Session


def ids_table(conn: Any, name: str, ids: Iterable[str]) -> None:
    import pyarrow as pa

    conn.register(name, pa.table({"id": pa.array(sorted(set(ids)), pa.string())}))


def numbers_table(conn: Any, name: str, numbers: Iterable[int]) -> None:
    import pyarrow as pa

    conn.register(name, pa.table({"n": pa.array(sorted(set(numbers)), pa.int64())}))


def closure(session: Session, wanted: Mapping[str, Iterable[int]]) -> set[str]:
    """The customer ids whose billing objects the facts of these rows read: each
    subject's own, those of the subscriptions an account or an app row names, a
    price's subscribers, a person's customers (a credit account's facts read none);
    then, until nothing is added, every
    customer of a subscription id listed under a customer already in (an id's
    entitlement and lookups span every subscription listed under it)."""
    index = session.index
    customers: set[str] = set()
    sub_ids: set[str] = set()
    prices: set[str] = set()
    persons: set[str] = set()
    for kind, numbers in wanted.items():
        for number in numbers:
            if kind == "account":
                account = session.account(number)
                customers.add(account.customer_id or "")
                sub_ids.update(ids_looked_up(account))
                app_rows = index.app_rows_for(account)
                sub_ids.update(r["id"] for r in app_rows if isinstance(r["id"], str))
                continue
            row = session.key(kind, number)
            if kind == "app_subscription":
                sub_ids.update([row["id"]] if isinstance(row["id"], str) else [])
                customers.add(str(row.get("customer_id") or ""))
            elif kind == "subscription":
                customers.add(row[0])
            elif kind == "price":
                prices.add(row)
            elif kind == "person":
                persons.add(row)
            elif kind == "event":  # what it is worth: the subscription it names
                sub_ids.update([row.subscription_id] if row.subscription_id else [])
            elif kind == "credit_account":
                continue  # its facts are its own: no billing object
            else:
                customers.add(row)
    conn = session.conn
    ids_table(conn, "closure_prices", prices)
    ids_table(conn, "closure_persons", persons)
    found = conn.execute(
        "SELECT DISTINCT s.customer_id FROM items i JOIN sub_facts s ON s.row = i.sub_row "
        "WHERE s.entitles AND i.price_id IN (SELECT id FROM closure_prices) "
        "UNION SELECT customer_id FROM person_members WHERE key IN (SELECT id FROM closure_persons)"
        if prices or persons
        else "SELECT NULL LIMIT 0"
    ).fetchall()
    customers.update(row[0] for row in found)
    while True:
        ids_table(conn, "closure_customers", customers)
        listed = conn.execute(
            "SELECT id FROM billing_subscriptions "
            "WHERE customer_id IN (SELECT id FROM closure_customers)"
        ).fetchall()
        sub_ids.update(row[0] for row in listed)
        ids_table(conn, "closure_ids", sub_ids)
        holders = conn.execute(
            "SELECT DISTINCT customer_id FROM billing_subscriptions "
            "WHERE id IN (SELECT id FROM closure_ids)"
        ).fetchall()
        more = {row[0] for row in holders} - customers
        if not more:
            return customers - {""}
        customers |= more
