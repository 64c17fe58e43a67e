"""Stripe API objects -> the normalized model. Pure: no I/O, no SDK import.

Live fetches and fixture files both arrive here as plain JSON dicts shaped like
Stripe's API responses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from prodcheck.model import (
    BillingState,
    Customer,
    Event,
    Provider,
    SchedulePhase,
    Subscription,
    SubscriptionItem,
    SubscriptionSchedule,
    SubscriptionStatus,
)
from prodcheck.sources.base import RawBilling
from prodcheck.sources.coerce import (
    CoercionError,
    metadata,
    object_id,
    to_bool,
    to_datetime,
    to_int,
    to_str,
)
from prodcheck.sources.normalize_common import (
    ObjectError,
    convert_all,
    currency_code,
    field,
    non_negative,
    raise_if_errors,
    required,
)

_STATUSES = {s.value: s for s in SubscriptionStatus}


def normalize(
    raw: RawBilling,
    origins: Mapping[str, str] | None = None,
    positions: Mapping[str, Sequence[int]] | None = None,
) -> BillingState:
    """Convert every collection; all malformed objects are reported in one error,
    each named by its index in its collection (`positions[collection][n]` for the
    n-th object given, when only some of a collection's objects are)."""
    origins, positions = origins or {}, positions or {}
    errors: list[str] = []

    def origin(name: str) -> str:
        return origins.get(name, f"Stripe {name}")

    kinds: dict[str, tuple[Callable[[Mapping[str, Any]], Any], str]] = {
        "customers": (_customer, "stripe-customer"),
        "subscriptions": (_subscription, "stripe-subscription"),
        "subscription_schedules": (_schedule, "stripe-subscription-schedule"),
        "events": (_event, "stripe-event"),
    }
    found = {
        name: convert_all(
            raw.get(name, []), convert, origin(name), errors, shape, positions.get(name)
        )
        for name, (convert, shape) in kinds.items()
    }
    raise_if_errors(errors, "Stripe objects")
    return BillingState(
        provider=Provider.STRIPE,
        customers=found["customers"],
        subscriptions=found["subscriptions"],
        schedules=found["subscription_schedules"],
        events=found["events"],
        loaded=frozenset(raw),
    )


def _customer(obj: Mapping[str, Any]) -> Customer:
    return Customer(
        id=required(obj, "id", to_str),
        email=field(obj, "email", to_str),
        name=field(obj, "name", to_str),
        created=field(obj, "created", to_datetime),
        deleted=bool(field(obj, "deleted", to_bool)),
        metadata=field(obj, "metadata", metadata),
    )


def _price_fields(item: Mapping[str, Any]) -> tuple[str, int | None, str, str, int]:
    """(price id, unit amount, currency, interval, interval count) from `price` or legacy `plan`."""
    price = item.get("price") or item.get("plan")
    if isinstance(price, str):
        raise ObjectError("price", f"is the bare id {price!r}: expand it to the price object")
    if not isinstance(price, dict):
        raise ObjectError("price", "is missing")
    price_id = required(price, "id", to_str)
    recurring = price.get("recurring") or {}
    unit_amount = field(price, "unit_amount", non_negative)
    if unit_amount is None:
        unit_amount = field(price, "amount", non_negative)  # legacy Plan objects
    currency = required(price, "currency", to_str).lower()
    interval = to_str(recurring.get("interval") or price.get("interval")) or "month"
    interval_count = to_int(recurring.get("interval_count") or price.get("interval_count")) or 1
    return price_id, unit_amount, currency, interval, interval_count


def _product(obj: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(product id, lookup key, product name) of an item's price; the product is an id,
    or an object when expanded (then its name is known)."""
    price = obj.get("price") or obj.get("plan") or {}
    product = price.get("product")
    if isinstance(product, Mapping):
        return (
            to_str(product.get("id")),
            field(price, "lookup_key", to_str),
            to_str(product.get("name")),
        )
    return to_str(product), field(price, "lookup_key", to_str), None


def _item(obj: Mapping[str, Any]) -> SubscriptionItem:
    price_id, unit_amount, currency, interval, interval_count = _price_fields(obj)
    product_id, lookup_key, product_name = _product(obj)
    return SubscriptionItem(
        id=required(obj, "id", to_str),
        price_id=price_id,
        quantity=field(obj, "quantity", lambda v: non_negative(v, default=1)) or 0,
        unit_amount=unit_amount,
        currency=currency,
        interval=interval,
        interval_count=interval_count,
        current_period_start=field(obj, "current_period_start", to_datetime),
        current_period_end=field(obj, "current_period_end", to_datetime),
        created=field(obj, "created", to_datetime),
        product_id=product_id,
        lookup_key=lookup_key,
        product_name=product_name,
    )


def _status(value: Any) -> SubscriptionStatus:
    status = _STATUSES.get(str(value))
    if status is None:
        raise ObjectError("status", f"unknown subscription status {value!r}")
    return status


def _items(obj: Mapping[str, Any]) -> tuple[SubscriptionItem, ...]:
    items = obj.get("items")
    data = items.get("data") if isinstance(items, dict) else items
    if not isinstance(data, list):
        raise ObjectError("items", "expected a list object with `data`")
    if isinstance(items, dict) and items.get("has_more"):
        raise ObjectError("items", "has_more is true: the items list is incomplete")
    converted = []
    for index, item in enumerate(data):
        try:
            converted.append(_item(item))
        except ObjectError as exc:
            raise ObjectError(f"items.data[{index}]", str(exc)) from None
    return tuple(converted)


def _pending_prices(obj: Mapping[str, Any]) -> tuple[str, ...]:
    pending = obj.get("pending_update")
    if not isinstance(pending, dict):
        return ()
    prices = []
    for item in pending.get("subscription_items") or ():
        price_id = object_id(item.get("price") or item.get("plan"))
        if price_id:
            prices.append(price_id)
    return tuple(prices)


def _subscription(obj: Mapping[str, Any]) -> Subscription:
    return Subscription(
        id=required(obj, "id", to_str),
        customer_id=required(obj, "customer", object_id),
        status=_status(obj.get("status")),
        items=_items(obj),
        created=field(obj, "created", to_datetime),
        current_period_start=field(obj, "current_period_start", to_datetime),
        current_period_end=field(obj, "current_period_end", to_datetime),
        cancel_at_period_end=bool(field(obj, "cancel_at_period_end", to_bool)),
        cancel_at=field(obj, "cancel_at", to_datetime),
        canceled_at=field(obj, "canceled_at", to_datetime),
        ended_at=field(obj, "ended_at", to_datetime),
        trial_start=field(obj, "trial_start", to_datetime),
        trial_end=field(obj, "trial_end", to_datetime),
        pending_update_price_ids=_pending_prices(obj),
        pause_reason=field(obj, "status_details", _pause_reason),
        collection_paused=isinstance(obj.get("pause_collection"), dict),
        metadata=field(obj, "metadata", metadata),
        provider=Provider.STRIPE,
    )


def _pause_reason(details: Any) -> str | None:
    """status_details.paused.subscription.type: why a paused subscription is paused."""
    for key in ("paused", "subscription"):
        if details is None:
            return None
        if not isinstance(details, dict):
            raise CoercionError(f"expected an object, got {type(details).__name__}")
        details = details.get(key)
    if details is None:
        return None
    if not isinstance(details, dict):
        raise CoercionError(f"expected an object, got {type(details).__name__}")
    return to_str(details.get("type"))


def _phase(obj: Mapping[str, Any]) -> SchedulePhase:
    prices = tuple(
        pid
        for pid in (object_id(i.get("price") or i.get("plan")) for i in obj.get("items") or ())
        if pid
    )
    return SchedulePhase(
        start=field(obj, "start_date", to_datetime),
        end=field(obj, "end_date", to_datetime),
        price_ids=prices,
    )


def _schedule(obj: Mapping[str, Any]) -> SubscriptionSchedule:
    return SubscriptionSchedule(
        id=required(obj, "id", to_str),
        subscription_id=field(obj, "subscription", object_id),
        customer_id=field(obj, "customer", object_id),
        status=field(obj, "status", to_str) or "active",
        created=field(obj, "created", to_datetime),
        phases=tuple(_phase(p) for p in obj.get("phases") or ()),
    )


# The objects an event's worth is read from, and the key holding their amount.
_AMOUNTS = {"invoice": "amount_due", "checkout.session": "amount_total"}


def _worth(target: Mapping[str, Any]) -> tuple[str | None, int | None, str | None]:
    """(subscription id, amount, currency) of an event's object: a subscription is
    its own; an invoice's or a checkout session's subscription is the one it names
    (an invoice of API 2025-03-31 and later names it under
    parent.subscription_details), its amount the amount due or the total."""
    kind = target.get("object")
    if not isinstance(kind, str):
        return None, None, None
    if kind == "subscription":
        return object_id(target.get("id")), None, None  # its status: _event
    if kind not in _AMOUNTS:
        return None, None, None
    reference = target.get("subscription")
    if reference is None:
        parent = target.get("parent")
        details = parent.get("subscription_details") if isinstance(parent, dict) else None
        reference = details.get("subscription") if isinstance(details, dict) else None
    subscription = field({"subscription": reference}, "subscription", object_id)
    amount = field(target, _AMOUNTS[kind], non_negative)
    return subscription, amount, currency_code(target, "currency")


def _event(obj: Mapping[str, Any]) -> Event:
    data = obj.get("data") if isinstance(obj.get("data"), dict) else {}
    target = data.get("object") if isinstance(data, dict) else None
    try:
        subscription, amount, currency = (
            _worth(target) if isinstance(target, dict) else (None, None, None)
        )
    except ObjectError as exc:
        raise ObjectError("data.object", str(exc)) from None
    return Event(
        id=required(obj, "id", to_str),
        type=required(obj, "type", to_str),
        created=field(obj, "created", to_datetime),
        object_id=object_id(target) if isinstance(target, dict) else None,
        pending_webhooks=field(obj, "pending_webhooks", lambda v: to_int(v, default=0)) or 0,
        subscription_id=subscription,
        amount=amount,
        currency=currency,
        status=field(target, "status", to_str)
        if isinstance(target, dict) and target.get("object") == "subscription"
        else None,
    )
