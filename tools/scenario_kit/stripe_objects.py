"""Stripe API objects (API 2025-03-31+: period fields on subscription items)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .formats import DAY, PERIOD_DAYS, stripe_id

if TYPE_CHECKING:
    from .scenario import Scenario


def customer(
    s: Scenario,
    cid: str,
    *,
    email: str | None,
    name: str | None,
    metadata: dict[str, str | None],
    created_days_ago: float,
    **extra: Any,
) -> dict[str, Any]:
    obj = {
        "id": cid,
        "object": "customer",
        "created": s.ago(created_days_ago),
        "email": email,
        "name": name,
        "currency": None,
        "delinquent": False,
        "livemode": False,
        "metadata": metadata,
    }
    obj.update(extra)
    return obj


def deleted_customer(cid: str) -> dict[str, Any]:
    """What Stripe returns for a deleted customer: the id and `deleted: true`."""
    return {"id": cid, "object": "customer", "deleted": True}


def price(s: Scenario, price_id: str) -> dict[str, Any]:
    spec = s.prices[price_id]
    return {
        "id": price_id,
        "object": "price",
        "active": True,
        "currency": spec.get("currency", "usd"),
        "unit_amount": spec["amount"],
        "product": f"prod_{spec['plan']}",
        "type": "recurring",
        "recurring": {
            "interval": spec["interval"],
            "interval_count": spec.get("interval_count", 1),
            "usage_type": spec.get("usage_type", "licensed"),
        },
        "livemode": False,
    }


def subscription(
    s: Scenario,
    sid: str,
    customer: str,
    *prices: str,
    status: str = "active",
    quantity: int = 1,
    created_days_ago: float = 200,
    period_started_days_ago: float = 10,
    cancel_at_period_end: bool = False,
    trial: bool = False,
    item_created_days_ago: float | None = None,
    pending_prices: tuple[str, ...] = (),
    canceled_days_ago: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    created = s.ago(created_days_ago)
    start = s.ago(period_started_days_ago)
    trial_end = created + 14 * DAY
    item_created = s.ago(
        item_created_days_ago if item_created_days_ago is not None else created_days_ago
    )
    items = []
    for index, price_id in enumerate(prices or ("price_pro_monthly",)):
        length = PERIOD_DAYS[s.prices[price_id]["interval"]] * DAY
        # While trialing, Stripe's current period is the trial.
        trialing = trial and status == "trialing"
        items.append(
            {
                "id": stripe_id("si", f"{sid}:{index}"),
                "object": "subscription_item",
                "created": item_created,
                "current_period_start": created if trialing else start,
                "current_period_end": trial_end if trialing else start + length,
                "price": price(s, price_id),
                "quantity": quantity,
                "subscription": sid,
            }
        )
    canceled_at = s.ago(canceled_days_ago) if canceled_days_ago is not None else None
    obj: dict[str, Any] = {
        "id": sid,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "created": created,
        "start_date": created,
        "cancel_at_period_end": cancel_at_period_end,
        "cancel_at": items[0]["current_period_end"] if cancel_at_period_end else None,
        "canceled_at": canceled_at,
        "ended_at": canceled_at if status == "canceled" else None,
        "trial_start": created if trial else None,
        "trial_end": trial_end if trial else None,
        "items": {
            "object": "list",
            "data": items,
            "has_more": False,
            "url": f"/v1/subscription_items?subscription={sid}",
        },
        "pending_update": {
            "expires_at": s.ago(-1),
            "subscription_items": [
                {"id": items[0]["id"], "price": price(s, p), "quantity": quantity}
                for p in pending_prices
            ],
        }
        if pending_prices
        else None,
        "schedule": None,
        "collection_method": "charge_automatically",
        "metadata": {},
        "livemode": False,
        "currency": items[0]["price"]["currency"],
    }
    obj.update(extra)
    return obj


def schedule(
    s: Scenario,
    sched_id: str,
    subscription: str,
    customer: str,
    *,
    created_days_ago: float,
    phases: list[tuple[float, float | None, str]],
    status: str = "active",
) -> dict[str, Any]:
    """phases: (starts in N days (negative: ago), ends in N days or None, price)."""
    obj = {
        "id": sched_id,
        "object": "subscription_schedule",
        "subscription": subscription,
        "customer": customer,
        "status": status,
        "created": s.ago(created_days_ago),
        "end_behavior": "release",
        "released_at": s.ago(1) if status == "released" else None,
        "current_phase": None,
        "phases": [
            {
                "start_date": s.ago(-starts_in),
                "end_date": s.ago(-ends_in) if ends_in is not None else None,
                "items": [{"price": price_id, "quantity": 1}],
                "proration_behavior": "create_prorations",
            }
            for starts_in, ends_in, price_id in phases
        ],
        "livemode": False,
    }
    current = [p for p in obj["phases"] if p["start_date"] <= s.now_ts]
    if current:
        phase = current[-1]
        obj["current_phase"] = {
            "start_date": phase["start_date"],
            "end_date": phase["end_date"],
        }
    return obj


def event(
    s: Scenario,
    eid: str,
    etype: str,
    object_id: str,
    *,
    minutes_ago: float,
    pending_webhooks: int = 0,
    object_type: str = "subscription",
    fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An event about an object of `object_type` (the object's other `fields` too)."""
    return {
        "id": eid,
        "object": "event",
        "type": etype,
        "api_version": "2025-03-31.basil",
        "created": s.now_ts - round(minutes_ago * 60),
        "data": {"object": {"id": object_id, "object": object_type, **(fields or {})}},
        "pending_webhooks": pending_webhooks,
        "livemode": False,
    }
