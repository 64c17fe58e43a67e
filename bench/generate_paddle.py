"""Paddle Billing's shapes for bench/generate.py --provider paddle: the same N
accounts, statuses, prices and drift as the Stripe folder, as Paddle's API
returns subscriptions and customers (RFC 3339 times, amounts as text in the
lowest denomination, ctm_/sub_/pri_ ids)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# Stripe's statuses as Paddle has them (Paddle has no unpaid or incomplete_expired).
STATUS = {
    "active": "active",
    "trialing": "trialing",
    "past_due": "past_due",
    "canceled": "canceled",
    "unpaid": "paused",
    "incomplete_expired": "canceled",
}


def time_text(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def price_id(stripe_price: str) -> str:
    return "pri_" + stripe_price.removeprefix("price_")


def subscription(
    i: int, status: str, start: int, length_days: int, price: tuple[str, str, int, str]
) -> dict[str, Any]:
    stripe_price, plan, amount, interval = price
    day = 86_400
    ended = STATUS[status] == "canceled"
    period = {"starts_at": time_text(start), "ends_at": time_text(start + length_days * day)}
    cycle = {"interval": interval, "frequency": 1}
    return {
        "id": f"sub_{i:08d}",
        "status": STATUS[status],
        "customer_id": f"ctm_{i:08d}",
        "address_id": f"add_{i:08d}",
        "business_id": None,
        "currency_code": "USD",
        "collection_mode": "automatic",
        "created_at": time_text(start - 200 * day),
        "updated_at": time_text(start),
        "started_at": time_text(start - 200 * day),
        "first_billed_at": time_text(start - 200 * day),
        "next_billed_at": None if ended else period["ends_at"],
        "paused_at": time_text(start) if STATUS[status] == "paused" else None,
        "canceled_at": time_text(start) if ended else None,
        "discount": None,
        "billing_details": None,
        "billing_cycle": cycle,
        "current_billing_period": None if ended else period,
        "scheduled_change": None,
        "items": [
            {
                "status": "active",
                "quantity": 1,
                "recurring": True,
                "created_at": time_text(start - 200 * day),
                "updated_at": time_text(start),
                "previously_billed_at": time_text(start),
                "next_billed_at": period["ends_at"],
                "trial_dates": None,
                "price": {
                    "id": price_id(stripe_price),
                    "product_id": f"pro_{plan}",
                    "type": "standard",
                    "name": plan,
                    "billing_cycle": cycle,
                    "trial_period": None,
                    "tax_mode": "account_setting",
                    "unit_price": {"amount": str(amount), "currency_code": "USD"},
                    "unit_price_overrides": [],
                    "quantity": {"minimum": 1, "maximum": 100},
                    "status": "active",
                    "custom_data": None,
                },
                "product": {"id": f"pro_{plan}", "name": plan, "status": "active"},
            }
        ],
        "custom_data": None,
        "management_urls": {"update_payment_method": None, "cancel": None},
        "import_meta": None,
    }


def customer(i: int, created: int) -> dict[str, Any]:
    return {
        "id": f"ctm_{i:08d}",
        "status": "active",
        "email": f"user{i}@bench.test",
        "name": None,
        "locale": "en",
        "custom_data": {"user_id": f"u_{i:08d}"},
        "marketing_consent": False,
        "created_at": time_text(created),
        "updated_at": time_text(created),
        "import_meta": None,
    }
