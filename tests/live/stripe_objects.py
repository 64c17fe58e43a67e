"""Small builders of Stripe API objects (API version 2025-03-31.basil shapes) for the tests."""

from __future__ import annotations

from typing import Any

T0 = 1_700_000_000  # 2023-11-14: a fixed, recent-enough epoch for `created`
DAY = 86_400


def price(price_id: str, amount: int = 1000, interval: str = "month") -> dict[str, Any]:
    return {
        "id": price_id,
        "object": "price",
        "currency": "usd",
        "unit_amount": amount,
        "recurring": {"interval": interval, "interval_count": 1},
        "product": f"prod_{price_id}",
    }


def item(item_id: str, price_obj: dict[str, Any], quantity: int = 1) -> dict[str, Any]:
    return {
        "id": item_id,
        "object": "subscription_item",
        "price": price_obj,
        "quantity": quantity,
        "created": T0,
        "current_period_start": T0,
        "current_period_end": T0 + 30 * DAY,
    }


def customer(customer_id: str, created: int, email: str | None = None) -> dict[str, Any]:
    return {
        "id": customer_id,
        "object": "customer",
        "created": created,
        "email": email or f"{customer_id}@example.com",
        "metadata": {},
    }


def subscription(
    sub_id: str,
    customer_id: str,
    created: int,
    *,
    status: str = "active",
    items: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A subscription whose `items` is a plain list (the fake server wraps it)."""
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer_id,
        "status": status,
        "created": created,
        "cancel_at_period_end": False,
        "canceled_at": created + DAY if status == "canceled" else None,
        "items": items if items is not None else [item(f"si_{sub_id}", price("price_basic"))],
        "metadata": {},
    }


def event(event_id: str, created: int, object_id: str, type_: str = "customer.updated") -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": type_,
        "created": created,
        "pending_webhooks": 0,
        "data": {"object": {"id": object_id}},
    }


def schedule(schedule_id: str, sub_id: str, customer_id: str, created: int, price_id: str) -> dict:
    return {
        "id": schedule_id,
        "object": "subscription_schedule",
        "subscription": sub_id,
        "customer": customer_id,
        "status": "active",
        "created": created,
        "phases": [
            {"start_date": created, "end_date": created + 30 * DAY, "items": [{"price": price_id}]}
        ],
    }


def account(count: int, *, start: int = T0, step: int = 3_600) -> dict[str, list[dict[str, Any]]]:
    """`count` customers with one subscription each, created `step` seconds apart;
    every fifth subscription canceled, so `status=all` matters."""
    customers = []
    subscriptions = []
    for n in range(count):
        created = start + n * step
        customers.append(customer(f"cus_{n:05d}", created))
        status = "canceled" if n % 5 == 4 else "active"
        subscriptions.append(subscription(f"sub_{n:05d}", f"cus_{n:05d}", created, status=status))
    return {"customers": customers, "subscriptions": subscriptions}
