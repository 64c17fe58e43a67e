"""Paddle Billing API objects: amounts as strings, RFC 3339 timestamps with
microseconds, `current_billing_period`, `custom_data`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .formats import DAY, PERIOD_DAYS, paddle_id, paddle_iso

if TYPE_CHECKING:
    from .scenario import Scenario


def customer(
    s: Scenario,
    cid: str,
    *,
    email: str | None,
    name: str | None,
    custom_data: dict[str, str | None],
    created_days_ago: float,
) -> dict[str, Any]:
    created = paddle_iso(s.ago(created_days_ago))
    obj = {
        "id": cid,
        "status": "active",
        "email": email,
        "name": name,
        "locale": "en",
        "custom_data": custom_data or None,
        "marketing_consent": False,
        "created_at": created,
        "updated_at": created,
        "import_meta": None,
    }
    return obj


def price(s: Scenario, price_id: str, trial: bool) -> dict[str, Any]:
    spec = s.prices[price_id]
    return {
        "id": price_id,
        "product_id": paddle_id("pro", spec["plan"]),
        "type": "standard",
        "name": f"{spec['plan'].title()} ({spec['interval']}ly)",
        "description": f"{spec['plan'].title()} plan, billed {spec['interval']}ly",
        "billing_cycle": {"interval": spec["interval"], "frequency": 1},
        "trial_period": {"interval": "day", "frequency": 14} if trial else None,
        "tax_mode": "account_setting",
        "unit_price": {
            "amount": str(spec["amount"]),
            "currency_code": spec.get("currency", "usd").upper(),
        },
        "unit_price_overrides": [],
        "quantity": {"minimum": 1, "maximum": 100},
        "status": "active",
        "custom_data": None,
    }


def subscription(
    s: Scenario,
    sid: str,
    customer: str,
    *prices: str,
    status: str,
    quantity: int,
    created_days_ago: float,
    period_started_days_ago: float,
    cancel_at_period_end: bool,
    trial: bool,
    canceled_days_ago: float | None,
) -> dict[str, Any]:
    start = s.ago(period_started_days_ago)
    created = s.ago(created_days_ago)
    price_ids = prices or ("pri_01jc8pro0monthly0000",)
    first = s.prices[price_ids[0]]
    end = start + PERIOD_DAYS[first["interval"]] * DAY
    if status == "trialing":  # the billing period is the trial
        start, end = created, created + 14 * DAY
    # Paddle clears the billing period of paused and canceled subscriptions.
    running = status in ("active", "trialing", "past_due")
    items = [
        {
            "status": "trialing" if status == "trialing" else "active",
            "quantity": quantity,
            "recurring": True,
            "created_at": paddle_iso(created),
            "updated_at": paddle_iso(start),
            "previously_billed_at": paddle_iso(start) if status != "trialing" else None,
            "next_billed_at": paddle_iso(end) if running else None,
            "trial_dates": {
                "starts_at": paddle_iso(created),
                "ends_at": paddle_iso(created + 14 * DAY),
            }
            if trial
            else None,
            "price": price(s, price_id, trial),
            "product": {
                "id": paddle_id("pro", s.prices[price_id]["plan"]),
                "name": s.prices[price_id]["plan"].title(),
                "status": "active",
            },
        }
        for price_id in price_ids
    ]
    stopped = s.ago(canceled_days_ago) if canceled_days_ago is not None else start
    obj = {
        "id": sid,
        "status": status,
        "customer_id": customer,
        "address_id": paddle_id("add", sid),
        "business_id": None,
        "currency_code": first.get("currency", "usd").upper(),
        "collection_mode": "automatic",
        "created_at": paddle_iso(created),
        "updated_at": paddle_iso(stopped if not running else start),
        "started_at": paddle_iso(created),
        "first_billed_at": paddle_iso(created + (14 * DAY if trial else 0)),
        "next_billed_at": paddle_iso(end) if running and not cancel_at_period_end else None,
        "paused_at": paddle_iso(stopped) if status == "paused" else None,
        "canceled_at": paddle_iso(stopped) if status == "canceled" else None,
        "discount": None,
        "billing_details": None,
        "billing_cycle": {"interval": first["interval"], "frequency": 1},
        "current_billing_period": {"starts_at": paddle_iso(start), "ends_at": paddle_iso(end)}
        if running
        else None,
        "scheduled_change": {
            "action": "cancel",
            "effective_at": paddle_iso(end),
            "resume_at": None,
        }
        if cancel_at_period_end
        else None,
        "items": items,
        "custom_data": None,
        "management_urls": {
            "update_payment_method": None,
            "cancel": f"https://buyer-portal.paddle.com/subscriptions/{sid}/cancel",
        },
        "import_meta": None,
    }
    return obj


def notification(
    s: Scenario,
    nid: str,
    event_id: str,
    etype: str,
    entity_id: str,
    *,
    minutes_ago: float,
    status: str,
    destination: str,
    origin: str = "event",
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A notification: one event's delivery to one destination, as GET /notifications
    lists it (the payload is the event; its data the entity's id, and `data`)."""
    occurred = paddle_iso(s.now_ts - round(minutes_ago * 60))
    delivered = status == "delivered"
    attempts = {"delivered": 1, "failed": 60, "needs_retry": 4, "not_attempted": 0}[status]
    return {
        "id": nid,
        "type": etype,
        "status": status,
        "payload": {
            "data": {"id": entity_id, **(data or {})},
            "event_id": event_id,
            "event_type": etype,
            "occurred_at": occurred,
            "notification_id": nid,
        },
        "occurred_at": occurred,
        "delivered_at": occurred if delivered else None,
        "replayed_at": None,
        "origin": origin,
        "last_attempt_at": occurred if attempts else None,
        "retry_at": occurred if status == "needs_retry" else None,
        "times_attempted": attempts,
        "notification_setting_id": destination,
    }
