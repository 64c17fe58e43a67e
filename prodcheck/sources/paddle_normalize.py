"""Paddle Billing API objects -> the normalized model. Pure: no I/O, no SDK import.

Paddle differs from Stripe in ways that matter here: amounts are strings in
the lowest denomination, timestamps are RFC 3339, the period lives in
`current_billing_period`, and `scheduled_change` (action `cancel` or `pause`)
plays the role of Stripe's cancel_at_period_end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prodcheck.model import (
    BillingState,
    Customer,
    Event,
    Provider,
    Subscription,
    SubscriptionItem,
    SubscriptionStatus,
)
from prodcheck.sources.base import RawBilling
from prodcheck.sources.coerce import metadata, to_datetime, to_int, to_str
from prodcheck.sources.normalize_common import (
    ObjectError,
    convert_all,
    currency_code,
    field,
    non_negative,
    raise_if_errors,
    required,
)

_STATUSES = {
    "active": SubscriptionStatus.ACTIVE,
    "trialing": SubscriptionStatus.TRIALING,
    "past_due": SubscriptionStatus.PAST_DUE,
    "paused": SubscriptionStatus.PAUSED,
    "canceled": SubscriptionStatus.CANCELED,
}
# A notification's statuses (paddle_sql.NOTIFICATION_STATUSES); failed and needs_retry
# are deliveries still owed.
_NOTIFICATION_STATUSES = ("delivered", "failed", "needs_retry", "not_attempted")


def normalize(
    raw: RawBilling,
    origins: Mapping[str, str] | None = None,
    positions: Mapping[str, Sequence[int]] | None = None,
) -> BillingState:
    """Convert both collections; all malformed objects are reported in one error
    (positions: stripe_normalize.normalize's)."""
    origins, positions = origins or {}, positions or {}
    errors: list[str] = []
    customers = convert_all(
        raw.get("customers", []),
        _customer,
        origins.get("customers", "Paddle customers"),
        errors,
        "paddle-customer",
        positions.get("customers"),
    )
    subscriptions = convert_all(
        raw.get("subscriptions", []),
        _subscription,
        origins.get("subscriptions", "Paddle subscriptions"),
        errors,
        "paddle-subscription",
        positions.get("subscriptions"),
    )
    notifications = convert_all(
        raw.get("notifications", []),
        _notification,
        origins.get("notifications", "Paddle notifications"),
        errors,
        "paddle-notification",
        positions.get("notifications"),
    )
    raise_if_errors(errors, "Paddle objects")
    return BillingState(
        provider=Provider.PADDLE,
        customers=customers,
        subscriptions=subscriptions,
        events=notifications,
        loaded=frozenset(raw) | {"customers", "subscriptions"},
    )


def _customer(obj: Mapping[str, Any]) -> Customer:
    return Customer(
        id=required(obj, "id", to_str),
        email=field(obj, "email", to_str),
        name=field(obj, "name", to_str),
        created=field(obj, "created_at", to_datetime),
        deleted=obj.get("status") == "archived",
        metadata=field(obj, "custom_data", metadata),
    )


def _notification(obj: Mapping[str, Any]) -> Event:
    """One notification: an event's delivery to one destination, as a row of the
    event's (Event says how the webhooks pack folds them)."""
    status = obj.get("status")
    if status not in _NOTIFICATION_STATUSES:
        raise ObjectError("status", f"unknown Paddle notification status {status!r}")
    payload = obj.get("payload")
    if not isinstance(payload, dict):
        raise ObjectError("payload", "expected an object")
    data = payload.get("data")
    origin = field(obj, "origin", to_str) or "event"
    etype = required(obj, "type", to_str)
    subscription, amount, currency = None, None, None
    if isinstance(data, dict):
        try:
            subscription, amount, currency = _worth(etype, data)
        except ObjectError as exc:
            raise ObjectError("payload.data", str(exc)) from None
    return Event(
        id=required(payload, "event_id", to_str),
        type=etype,
        created=field(obj, "occurred_at", to_datetime),
        object_id=to_str(data.get("id")) if isinstance(data, dict) else None,
        pending_webhooks=1 if status in ("failed", "needs_retry") else 0,
        notification_id=required(obj, "id", to_str) if origin == "event" else None,
        destination=field(obj, "notification_setting_id", to_str),
        delivered=status == "delivered",
        subscription_id=subscription,
        amount=amount,
        currency=currency,
        status=field(data, "status", to_str)
        if isinstance(data, dict) and etype.startswith("subscription.")
        else None,
    )


def _worth(etype: str, data: Mapping[str, Any]) -> tuple[str | None, int | None, str | None]:
    """(subscription id, amount, currency) of an event's entity: a subscription.*
    event's is the subscription; a transaction.* event's names one, and its total."""
    if etype.startswith("subscription."):
        return field(data, "id", to_str), None, None
    if not etype.startswith("transaction."):
        return None, None, None
    details = data.get("details")
    totals = details.get("totals") if isinstance(details, dict) else None
    amount = field(totals, "total", non_negative) if isinstance(totals, dict) else None
    return field(data, "subscription_id", to_str), amount, currency_code(data, "currency_code")


def _item(obj: Mapping[str, Any], period: Mapping[str, Any]) -> SubscriptionItem:
    price = obj.get("price")
    if not isinstance(price, dict):
        raise ObjectError("price", "is missing")
    unit_price = price.get("unit_price") or {}
    cycle = price.get("billing_cycle") or {}
    return SubscriptionItem(
        id=required(price, "id", to_str),  # Paddle items have no id of their own
        price_id=required(price, "id", to_str),
        quantity=field(obj, "quantity", lambda v: non_negative(v, default=1)) or 0,
        unit_amount=field(unit_price, "amount", non_negative),
        currency=(required(unit_price, "currency_code", to_str)).lower(),
        interval=to_str(cycle.get("interval")) or "month",
        interval_count=to_int(cycle.get("frequency")) or 1,
        current_period_start=to_datetime(period.get("starts_at")),
        current_period_end=to_datetime(period.get("ends_at")),
        created=field(obj, "created_at", to_datetime),
        product_id=field(price, "product_id", to_str),
        product_name=to_str(product.get("name"))
        if isinstance(product := obj.get("product"), dict)
        else None,
    )


def _trial_bounds(items: list[Mapping[str, Any]]) -> tuple[Any, Any]:
    for item in items:
        trial = item.get("trial_dates")
        if isinstance(trial, dict):
            return to_datetime(trial.get("starts_at")), to_datetime(trial.get("ends_at"))
    return None, None


def _subscription(obj: Mapping[str, Any]) -> Subscription:
    status = _STATUSES.get(str(obj.get("status")))
    if status is None:
        raise ObjectError("status", f"unknown Paddle subscription status {obj.get('status')!r}")
    period = obj.get("current_billing_period") or {}
    raw_items = obj.get("items")
    if not isinstance(raw_items, list):
        raise ObjectError("items", "expected a list")
    items = []
    for index, item in enumerate(raw_items):
        try:
            items.append(_item(item, period))
        except ObjectError as exc:
            raise ObjectError(f"items[{index}]", str(exc)) from None
    scheduled = obj.get("scheduled_change")
    change: Mapping[str, Any] = scheduled if isinstance(scheduled, dict) else {}
    ends_at_period_end = change.get("action") in ("cancel", "pause")
    trial_start, trial_end = _trial_bounds(raw_items)
    return Subscription(
        id=required(obj, "id", to_str),
        customer_id=required(obj, "customer_id", to_str),
        status=status,
        items=tuple(items),
        created=field(obj, "created_at", to_datetime),
        current_period_start=to_datetime(period.get("starts_at")),
        current_period_end=to_datetime(period.get("ends_at")),
        cancel_at_period_end=ends_at_period_end,
        cancel_at=to_datetime(change.get("effective_at")) if ends_at_period_end else None,
        canceled_at=field(obj, "canceled_at", to_datetime),
        trial_start=trial_start,
        trial_end=trial_end,
        metadata=field(obj, "custom_data", metadata),
        provider=Provider.PADDLE,
    )
