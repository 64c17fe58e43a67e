"""The app's own copy of the provider's subscriptions (database.tables.app_subscriptions),
compared with the provider's subscription of the same id, field by field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from prodcheck.engine.index import Index
from prodcheck.model import Subscription
from prodcheck.results import Subject
from prodcheck.tables import WRITTEN_AT

# A stored period end this close to the provider's is the same one (time zones and
# rounding in the app's copy).
PERIOD_TOLERANCE = timedelta(hours=1)


def _billed(index: Index, subscription: Subscription | None) -> dict[str, Any]:
    if subscription is None:
        return {
            "exists": False,
            "status": None,
            "customer_id": None,
            "price_ids": [],
            "quantity": None,
            "period_end": None,
            "cancel_at_period_end": None,
            "entitles": False,
        }
    return {
        "exists": True,
        "status": subscription.status.value,
        "customer_id": subscription.customer_id,
        "price_ids": list(subscription.price_ids),
        "quantity": sum(item.quantity for item in subscription.items),
        "period_end": subscription.period_end,
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "entitles": subscription.id in index.entitling,
    }


def _same(mine: Any, theirs: Any, billed: bool) -> bool | None:
    """None when either side is unknown: nothing to compare."""
    if not billed or mine is None or theirs is None:
        return None
    return bool(mine == theirs)


def app_facts(index: Index, row: Mapping[str, Any]) -> dict[str, Any]:
    subscription = index.subscriptions_by_id.get(row["id"])
    billed = _billed(index, subscription)
    exists = billed["exists"]
    period = row.get("period_end")
    return {
        "app_subscription": {name: row.get(name) for name in index.app_fields},
        "billed": billed,
        "status_matches": _same(row.get("status"), billed["status"], exists),
        "price_matches": (
            None
            if not exists or row.get("price_id") is None
            else row["price_id"] in billed["price_ids"]
        ),
        "quantity_matches": _same(row.get("quantity"), billed["quantity"], exists),
        "period_end_matches": (
            None
            if not exists or period is None or billed["period_end"] is None
            else abs(period - billed["period_end"]) <= PERIOD_TOLERANCE
        ),
        "cancel_matches": _same(
            row.get("cancel_at_period_end"), billed["cancel_at_period_end"], exists
        ),
        "monthly_amount": subscription.monthly_amount if subscription else None,
        **_order(index, row),
    }


# The subscription events that carried a status, by subscription: (created, id,
# status), oldest first; read once from billing_events (a Paddle event once, however
# many notifications it had).
_BY_SUBSCRIPTION = """
SELECT DISTINCT subscription_id, created, id, status FROM billing_events
WHERE status IS NOT NULL AND subscription_id IS NOT NULL AND created IS NOT NULL
ORDER BY subscription_id, created, id
"""


def _subscription_events(index: Index) -> Mapping[str, tuple[tuple[Any, str, str], ...]]:
    cached = index.event_cache.get("by_subscription")
    if cached is None:
        found: dict[str, list[tuple[Any, str, str]]] = {}
        if index.has_events and index.billing_db is not None:
            for sub, created, eid, status in index.billing_db.execute(_BY_SUBSCRIPTION).fetchall():
                found.setdefault(sub, []).append((created, eid, status))
        cached = ({k: tuple(v) for k, v in found.items()},)
        index.event_cache["by_subscription"] = cached
    by_subscription: Mapping[str, tuple[tuple[Any, str, str], ...]] = cached[0]
    return by_subscription


def _event(found: tuple[Any, str, str] | None) -> dict[str, Any]:
    created, eid, status = found or (None, None, None)
    return {"id": eid, "status": status, "created": created}


def _order(index: Index, row: Mapping[str, Any]) -> dict[str, Any]:
    """Whether the row holds an older event's status though it was written after the
    newest event about its subscription (a handler that applied events out of order)."""
    events = _subscription_events(index).get(str(row["id"]), ())
    newest = events[-1] if events else None
    status, written = row.get("status"), row.get(WRITTEN_AT)
    stale = None
    if newest is not None and status is not None and written is not None:
        held = str(status).lower()
        if written > newest[0] and held != newest[2].lower():
            older = [e for e in events if e[0] < newest[0] and e[2].lower() == held]
            stale = older[-1] if older else None
    return {
        "newest_event": _event(newest),
        "stale_event": _event(stale),
        "stale_overwrite": None if newest is None or written is None else stale is not None,
    }


AppRow = Mapping[str, Any]


def app_rows(index: Index) -> list[AppRow]:
    """The app's subscriptions rows, by id."""
    return sorted(index.app_rows, key=lambda r: str(r["id"]))


def app_customer(index: Index, row: AppRow) -> str | None:
    """The customer a row is about: billing's, else the row's own."""
    subscription = index.subscriptions_by_id.get(row["id"])
    return (subscription.customer_id if subscription else None) or row.get("customer_id")


def app_subject(
    index: Index, row: AppRow
) -> tuple[Subject, dict[str, Any], dict[str, tuple[str, ...]]]:
    """(subject, facts, refs) of one row of the app's subscriptions table."""
    facts = app_facts(index, row)
    refs: dict[str, tuple[str, ...]] = {"subscription": (row["id"],)}
    customer = app_customer(index, row)
    if customer:
        refs["customer"] = (customer,)
    return Subject("app_subscription", row["id"]), facts, refs
